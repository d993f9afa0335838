/**
 * What a deployment needs to know of a connector, without its runtime: its id, the application,
 * its settings and secrets schemas and the events it acts on. The CDK app validates the configured
 * connectors and builds their event rules from the manifests alone (functions/connectors/manifests.ts),
 * so synth never loads a vendor HTTP client or a handler. Each connector's definition spreads its
 * manifest, and a unit test checks that the two agree.
 */
import { z } from 'zod';
import type { UserEventType } from '../events/catalogue.ts';
import type { ConnectorPlan } from '../evidence/evidence-recorder.ts';
import type { Scope } from './scope.ts';

export interface ConnectorManifest<Settings = unknown, Secrets = unknown> {
  /** Stable identifier, kebab-case: names the ledger entries, the queue and the function. */
  readonly id: string;
  /** The application's name as an auditor knows it. */
  readonly application: string;
  readonly settings: z.ZodType<Settings>;
  readonly secrets: z.ZodType<Secrets>;
  /** The user event types it has handlers for, which its event rule subscribes to. */
  readonly events: readonly UserEventType[];
}

/** A manifest whose settings and secrets types are checked at run time, not compile time. */
export type RegisteredManifest = ConnectorManifest<unknown, unknown>;

/**
 * Identity function that gives a manifest its types.
 *
 * @example
 * export default defineManifest({ id: 'acme', application: 'Acme', settings, secrets, events: ['user.deactivated'] });
 */
export function defineManifest<Settings, Secrets>(
  manifest: ConnectorManifest<Settings, Secrets>,
): ConnectorManifest<Settings, Secrets> {
  return manifest;
}

/**
 * Forgets a manifest's settings and secrets types, so that manifests of different connectors sit
 * in one list; safe because settings are validated with the manifest's own schema.
 *
 * @example
 * export const connectorManifests = [registeredManifest(github), registeredManifest(zoom)];
 */
export function registeredManifest<Settings, Secrets>(
  manifest: ConnectorManifest<Settings, Secrets>,
): RegisteredManifest {
  return manifest as unknown as RegisteredManifest;
}

/**
 * The connector with this id, or an error listing the ids there are.
 *
 * @example
 * const github = findConnector(connectorManifests, 'github');
 */
export function findConnector<Connector extends { readonly id: string }>(
  registry: readonly Connector[],
  id: string,
): Connector {
  const found = registry.find((connector) => connector.id === id);
  if (!found)
    throw new Error(
      `No connector "${id}"; the registry has: ${registry.map((connector) => connector.id).join(', ') || 'none'}.`,
    );
  return found;
}

/** One application as the deployment configures it. */
export interface ConfiguredConnector {
  readonly id: string;
  /** For several instances of one connector: the ledger id becomes `{id}-{name}`. */
  readonly name?: string;
  readonly scope: Scope;
  readonly settings: unknown;
}

/**
 * What the evidence recorder needs to know of an enabled connector.
 *
 * @example
 * planOf(github, { id: 'github', scope: { groups: ['Engineering'] }, settings }); // { id: 'github', application: 'GitHub', events: [...], scope }
 */
export function planOf(
  manifest: Pick<ConnectorManifest, 'id' | 'application' | 'settings' | 'events'>,
  configured: ConfiguredConnector,
): ConnectorPlan {
  return {
    id: connectorKey(manifest.id, configured.name),
    application: applicationName(manifest, parseSettings(manifest, configured.settings)),
    events: [...manifest.events].sort(),
    scope: configured.scope,
  };
}

/**
 * The settings validated by the connector's schema, or an error naming each wrong field.
 *
 * @example
 * parseSettings(definition, { apiBaseUrl: 'not a url' }); // throws: github settings: apiBaseUrl: Invalid URL
 */
export function parseSettings<Settings>(
  definition: Pick<ConnectorManifest<Settings>, 'id' | 'settings'>,
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
  definition: Pick<ConnectorManifest, 'application'>,
  settings: unknown,
): string {
  const named =
    typeof settings === 'object' && settings !== null && 'application' in settings
      ? settings.application
      : undefined;
  return typeof named === 'string' && named.length > 0 ? named : definition.application;
}
