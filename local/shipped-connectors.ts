/**
 * Which connectors `npm start` runs, and against what:
 * - by default every shipped connector, scope everyone, against its local fake (started here,
 *   in-process, on a free port), so a newcomer sees each application revoke a leaver;
 * - with `.local/connectors.json` (the stack configuration's `connectors` list, same schema),
 *   those entries against whatever their settings point at, with secrets from
 *   `.local/connector-secrets.json` (`{ "<ledger id>": { … } }`) or the environment variable
 *   `CONNECTOR_SECRETS_<LEDGER_ID>` (JSON, upper-case, dashes as underscores);
 * - with `CONNECTORS=none`, none.
 * Both files are git-ignored (under .local/): secrets never enter the repository.
 */
import { readFile } from 'node:fs/promises';
import { connectorRegistry } from '../functions/connectors/registry.ts';
import { parseConnectorConfigs } from '../shared/connectors/config.ts';
import { connectorKey } from '../shared/connectors/prepare.ts';
import { findConnector } from '../shared/connectors/registry.ts';
import type { LocalConnectorSetup } from './connectors.ts';
import { startVendorFakes, type VendorFakes } from './fakes/index.ts';

export const LOCAL_CONNECTORS_FILE = '.local/connectors.json';
export const LOCAL_SECRETS_FILE = '.local/connector-secrets.json';

export interface LocalConnectorChoice {
  readonly setups: readonly LocalConnectorSetup[];
  /** Where they point, for the start banner. */
  readonly description: string;
  /** The fakes started for them, if any. */
  readonly fakes?: VendorFakes;
}

const readJson = async (file: string): Promise<unknown> => {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : JSON.parse(text);
};

/**
 * Every shipped connector against its fake.
 *
 * @example
 * const { setups, fakes } = await shippedConnectorsOnFakes();
 */
export async function shippedConnectorsOnFakes(): Promise<LocalConnectorChoice & { fakes: VendorFakes }> {
  const fakes = await startVendorFakes();
  const extraFakes: { close(): Promise<void> }[] = [];
  const setups: LocalConnectorSetup[] = [];
  for (const definition of connectorRegistry) {
    const config =
      fakes.connectorConfigs[definition.id as keyof VendorFakes['connectorConfigs']] ??
      (await scaffoldedFake(definition.id, extraFakes));
    if (config)
      setups.push({ definition, scope: 'everyone', settings: config.settings, secrets: config.secrets });
  }
  return {
    setups,
    fakes: {
      ...fakes,
      close: async () => void (await Promise.all([fakes.close(), ...extraFakes.map((fake) => fake.close())])),
    },
    description: `${setups.length} connectors, each against its local fake`,
  };
}

/**
 * The fake of a connector made with `npm run connector:new` (local/fakes/<id>.ts exporting
 * `startFake`), started with an account for everyone; undefined when there is none.
 */
async function scaffoldedFake(
  id: string,
  started: { close(): Promise<void> }[],
): Promise<{ settings: unknown; secrets: unknown } | undefined> {
  const module: unknown = await import(new URL(`./fakes/${id}.ts`, import.meta.url).href).catch(
    () => undefined,
  );
  if (
    typeof module !== 'object' ||
    module === null ||
    !('startFake' in module) ||
    typeof module.startFake !== 'function'
  )
    return undefined;
  const fake = (await module.startFake({ accountsForEveryone: true })) as {
    close(): Promise<void>;
    connectorConfig(): { settings: unknown; secrets: unknown };
  };
  started.push(fake);
  return fake.connectorConfig();
}

/**
 * The connectors `npm start` runs (see the file comment).
 *
 * @example
 * const choice = await localConnectors(process.env);
 */
export async function localConnectors(env: NodeJS.ProcessEnv = process.env): Promise<LocalConnectorChoice> {
  if (env.CONNECTORS === 'none') return { setups: [], description: 'none (CONNECTORS=none)' };
  const configured = await readJson(LOCAL_CONNECTORS_FILE);
  if (configured === undefined) return shippedConnectorsOnFakes();
  const entries = parseConnectorConfigs(configured, connectorRegistry, LOCAL_CONNECTORS_FILE);
  const secretsFile = ((await readJson(LOCAL_SECRETS_FILE)) ?? {}) as Record<string, unknown>;
  const setups = entries.map((entry) => {
    const key = connectorKey(entry.id, entry.name);
    const fromEnv = env[`CONNECTOR_SECRETS_${key.toUpperCase().replaceAll('-', '_')}`];
    return {
      definition: findConnector(connectorRegistry, entry.id),
      ...(entry.name ? { name: entry.name } : {}),
      scope: entry.scope,
      settings: entry.settings,
      secrets: fromEnv ? JSON.parse(fromEnv) : (secretsFile[key] ?? {}),
    };
  });
  return { setups, description: `${setups.length} connectors from ${LOCAL_CONNECTORS_FILE}` };
}
