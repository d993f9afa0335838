/**
 * How a deployment enables connectors, one entry per application: `{ id, name?, scope, settings }`.
 * The same schema serves the CDK stack configuration and `npm start`'s `.local/connectors.json`,
 * and each entry is checked against the registry: a known id, once, settings that pass the
 * connector's own schema. Secrets never appear here.
 */
import { z } from 'zod';
import { connectorKey, type RegisteredManifest } from './manifest.ts';
import { scopeSchema } from './scope.ts';

export const connectorConfigSchema = z.strictObject({
  /** A connector id of functions/connectors/registry.ts, e.g. `github`. */
  id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'a connector id: lower-case letters, digits and dashes'),
  /**
   * Only for a second instance of one connector (two manual tasks, two webhooks): its ledger id
   * becomes `{id}-{name}`.
   */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,29}$/, 'lower-case letters, digits and dashes, starting with a letter')
    .optional(),
  /** `everyone` (default), or `{ "groups": ["Engineering", "<group id>"] }`. */
  scope: scopeSchema.default('everyone'),
  /** The connector's own settings, checked against its schema (secrets go elsewhere, never here). */
  settings: z.record(z.string(), z.unknown()).default({}),
});

export type ConnectorConfig = z.infer<typeof connectorConfigSchema>;

export interface ConfigIssue {
  /** Within the list of entries: `[1, 'settings', 'login']`. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * What is wrong with the entries given the registry (empty when nothing is).
 *
 * @example
 * connectorConfigIssues([{ id: 'github', scope: 'everyone', settings: {} }], connectorRegistry);
 * // [{ path: [0, 'settings', 'organization'], message: 'Invalid input: expected string, received undefined' }, ...]
 */
export function connectorConfigIssues(
  entries: readonly ConnectorConfig[],
  registry: readonly Pick<RegisteredManifest, 'id' | 'settings'>[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const definition = registry.find((candidate) => candidate.id === entry.id);
    if (!definition) {
      issues.push({
        path: [index, 'id'],
        message: `no connector "${entry.id}" (shipped: ${registry.map((known) => known.id).join(', ') || 'none'})`,
      });
      continue;
    }
    const key = connectorKey(entry.id, entry.name);
    if (seen.has(key))
      issues.push({
        path: [index, entry.name ? 'name' : 'id'],
        message: `connector "${key}" is configured twice: one entry per application (add a distinct "name" for a second instance)`,
      });
    seen.add(key);
    const settings = definition.settings.safeParse(entry.settings);
    if (!settings.success)
      for (const issue of settings.error.issues)
        issues.push({
          path: [
            index,
            'settings',
            ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
          ],
          message: issue.message,
        });
  }
  return issues;
}

/**
 * Parses and checks a list of entries; throws naming every wrong field.
 *
 * @example
 * const entries = parseConnectorConfigs(JSON.parse(text), connectorRegistry, '.local/connectors.json');
 */
export function parseConnectorConfigs(
  raw: unknown,
  registry: readonly Pick<RegisteredManifest, 'id' | 'settings'>[],
  source: string,
): ConnectorConfig[] {
  const parsed = z.array(connectorConfigSchema).safeParse(raw);
  if (!parsed.success) throw new Error(`Invalid ${source}: ${z.prettifyError(parsed.error)}`);
  const issues = connectorConfigIssues(parsed.data, registry);
  if (issues.length > 0)
    throw new Error(
      `Invalid ${source}:\n${issues.map((issue) => `  ✖ ${issue.message}\n    → at [${issue.path.join('].[')}]`).join('\n')}`,
    );
  return parsed.data;
}
