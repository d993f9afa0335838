/**
 * The CDK app knows the shipped connectors only by their manifests (functions/connectors/manifests.ts);
 * the connector functions run their definitions (registry.ts). A connector whose manifest names
 * other events than it has handlers for would get an event rule that misses or over-delivers.
 */
import { describe, expect, it } from 'vitest';
import { connectorManifests } from '../../../functions/connectors/manifests.ts';
import { connectorRegistry } from '../../../functions/connectors/registry.ts';
import { defineManifest, findConnector, planOf } from '../../../shared/connectors/manifest.ts';
import { manifestOf } from '../../../shared/connectors/registry.ts';

describe('connector manifests', () => {
  it('list the shipped connectors in the order of the registry', () => {
    expect(connectorManifests.map((manifest) => manifest.id)).toEqual(
      connectorRegistry.map((definition) => definition.id),
    );
  });

  it.each(connectorRegistry.map((definition) => [definition.id, definition] as const))(
    '%s: its manifest is what its definition runs with',
    (id, definition) => {
      const manifest = findConnector(connectorManifests, id);
      const carried = manifestOf(definition);
      expect(manifest.application).toBe(carried.application);
      expect(manifest.settings).toBe(carried.settings);
      expect(manifest.secrets).toBe(carried.secrets);
      expect([...manifest.events].sort()).toEqual(carried.events);
    },
  );

  it('plan an enabled connector from the manifest alone, settings checked', () => {
    const manifest = defineManifest({
      id: 'notes',
      application: 'Notes',
      settings: connectorManifests[0]?.settings ?? expect.fail('no manifest'),
      secrets: connectorManifests[0]?.secrets ?? expect.fail('no manifest'),
      events: ['user.deleted', 'user.deactivated'],
    });
    expect(() => planOf(manifest, { id: 'notes', scope: 'everyone', settings: {} })).toThrow(
      /notes settings/,
    );
  });
});
