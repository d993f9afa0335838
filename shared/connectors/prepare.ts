/**
 * From a connector definition and its deployment's configuration (settings, scope, where its
 * secrets are) to a connector the runtime can run. Settings are checked here, once, with the
 * definition's own schema; secrets when first needed, then kept for a while (a rotated secret is
 * picked up without a cold start).
 */
import { z } from 'zod';
import type { ConnectorDefinition, ConnectorLogger, VendorHttpSetup } from './connector.ts';
import { PermanentError } from './errors.ts';
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

/**
 * The settings validated by the connector's schema, or an error naming each wrong field.
 *
 * @example
 * parseSettings(definition, { apiBaseUrl: 'not a url' }); // throws: github settings: apiBaseUrl: Invalid URL
 */
export function parseSettings<Settings>(
  definition: Pick<ConnectorDefinition<Settings>, 'id' | 'settings'>,
  raw: unknown,
): Settings {
  const parsed = definition.settings.safeParse(raw ?? {});
  if (!parsed.success) throw new Error(`${definition.id} settings: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * The ledger id of a configured connector: its id, or `{id}-{name}` for a named instance.
 *
 * @example
 * connectorKey('manual', 'legacy-erp'); // 'manual-legacy-erp'
 */
export function connectorKey(id: string, name?: string): string {
  return name ? `${id}-${name}` : id;
}

/**
 * The application's name in the evidence: the settings' `application` where the connector has
 * one (a manual task or a webhook serves whatever application it is configured for), else the
 * definition's.
 *
 * @example
 * applicationName(manual, { application: 'Legacy ERP', instructions: '…' }); // 'Legacy ERP'
 */
export function applicationName(
  definition: Pick<ConnectorDefinition, 'application'>,
  settings: unknown,
): string {
  const named =
    typeof settings === 'object' && settings !== null && 'application' in settings
      ? settings.application
      : undefined;
  return typeof named === 'string' && named.length > 0 ? named : definition.application;
}
