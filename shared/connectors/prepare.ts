import type { ConnectorDefinition, ConnectorLogger, VendorHttpSetup } from './connector.ts';
import { PermanentError } from './errors.ts';
import { applicationName, connectorKey, parseSettings } from './manifest.ts';
import type { PreparedConnector } from './runtime.ts';
import type { Scope } from './scope.ts';
import { connectorHttp, type VendorHttpOptions } from './vendor-http.ts';

/** Reads the connector's secret as JSON: Secrets Manager in AWS, a local file or the environment in `npm start`. */
export type SecretSource = () => Promise<unknown>;

export interface PrepareOptions<Settings, Secrets> {
  readonly definition: ConnectorDefinition<Settings, Secrets>;
  /** Distinguishes several instances of one connector: the ledger id becomes `{id}-{name}`. */
  readonly name?: string;
  /** The raw settings of the configuration, validated against `definition.settings`. */
  readonly settings: unknown;
  readonly scope: Scope;
  readonly secrets: SecretSource;
  /**
   * Options of the vendor client each event gets (its time budget starts with the event).
   * @default the client's defaults: 25 s budget, 4 retries honouring Retry-After
   */
  readonly vendorHttp?: Omit<VendorHttpOptions, keyof VendorHttpSetup | 'log'>;
  /** How long secrets read are kept. @default 5 minutes */
  readonly secretsTtlMs?: number;
  readonly now?: () => number;
}

/**
 * Validates the settings and wires the secrets; throws naming the settings fields that are wrong.
 *
 * @example
 * const github = prepareConnector({ definition, settings: { organization: 'acme' }, scope: 'everyone', secrets });
 */
export function prepareConnector<Settings, Secrets>(
  options: PrepareOptions<Settings, Secrets>,
): PreparedConnector<Settings, Secrets> {
  const { definition } = options;
  const settings = parseSettings(definition, options.settings);
  const ttl = options.secretsTtlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  let cached: { value: Secrets; until: number } | undefined;
  return {
    id: connectorKey(definition.id, options.name),
    application: applicationName(definition, settings),
    definition,
    settings,
    scope: options.scope,
    http: (secrets: Secrets, log: ConnectorLogger) =>
      connectorHttp(definition, { settings, secrets }, { ...options.vendorHttp, log }),
    async secrets() {
      if (cached && cached.until > now()) return cached.value;
      const parsed = definition.secrets.safeParse(await options.secrets());
      if (!parsed.success)
        // Field names only: the message goes to the ledger and logs, the values are secrets.
        throw new PermanentError(
          `The ${definition.id} secret does not fit the connector: ${parsed.error.issues
            .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`)
            .join('; ')}`,
        );
      cached = { value: parsed.data, until: now() + ttl };
      return parsed.data;
    },
  };
}

export { applicationName, connectorKey, parseSettings };
