import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import atlassian from '../../../functions/connectors/atlassian/connector.ts';
import github from '../../../functions/connectors/github/connector.ts';
import manual from '../../../functions/connectors/manual/connector.ts';
import salesforce from '../../../functions/connectors/salesforce/connector.ts';
import webhook from '../../../functions/connectors/webhook/connector.ts';
import zendesk from '../../../functions/connectors/zendesk/connector.ts';
import zoom from '../../../functions/connectors/zoom/connector.ts';
import { type ShippedConnectorId, startVendorFakes, type VendorFakes } from '../../../local/fakes/index.ts';
import { type ConnectorDefinition, subscribedEventTypes } from '../../../shared/connectors/connector.ts';
import { runHandler, userEvent } from '../../support/connector-harness.ts';

/** What `npm start` gets: every shipped connector pointed at its fake, for users nobody set up in advance. */
let vendors: VendorFakes;
beforeAll(async () => {
  vendors = await startVendorFakes();
});
afterAll(() => vendors?.close());

type AnyConnector = ConnectorDefinition<unknown, unknown>;
const shipped: Record<ShippedConnectorId, AnyConnector> = {
  github: github as unknown as AnyConnector,
  atlassian: atlassian as unknown as AnyConnector,
  zoom: zoom as unknown as AnyConnector,
  salesforce: salesforce as unknown as AnyConnector,
  zendesk: zendesk as unknown as AnyConnector,
  webhook: webhook as unknown as AnyConnector,
  manual: manual as unknown as AnyConnector,
};

describe('the shipped connectors against their fakes, as npm start runs them', () => {
  it('revokes a leaver nobody set up in advance in every application (the manual one waits for an operator)', async () => {
    const user = {
      id: 'u-77',
      userName: 'lin.chen@example.com',
      emails: [{ value: 'lin.chen@example.com', primary: true }],
    };
    const outcomes = Object.fromEntries(
      await Promise.all(
        Object.entries(shipped).map(async ([id, definition]) => {
          const outcome = await runHandler(
            definition,
            userEvent('user.deactivated', user),
            vendors.connectorConfigs[id as ShippedConnectorId],
          );
          return [id, outcome.status] as const;
        }),
      ),
    );
    expect(outcomes).toEqual({
      github: 'revoked',
      atlassian: 'revoked',
      zoom: 'revoked',
      salesforce: 'revoked',
      zendesk: 'revoked',
      webhook: 'revoked',
      manual: 'manual_pending',
    });
    expect(vendors.zoom.byEmail('lin.chen@example.com')?.status).toBe('inactive');
    expect(vendors.github.removed).toEqual(['lin.chen']);
  });

  it('every connector subscribes to the leaver events and the returner event', () => {
    // One call per definition: each is typed by its own settings and secrets.
    const subscriptions = [
      subscribedEventTypes(github),
      subscribedEventTypes(atlassian),
      subscribedEventTypes(zoom),
      subscribedEventTypes(salesforce),
      subscribedEventTypes(zendesk),
      subscribedEventTypes(webhook),
      subscribedEventTypes(manual),
    ];
    for (const types of subscriptions) {
      expect(types).toEqual(['user.deactivated', 'user.deleted', 'user.reactivated']);
    }
  });
});
