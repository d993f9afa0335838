/**
 * Every shipped connector's vendor fake at once, for `npm start` and end-to-end tests: each on
 * a free port, each giving every directory user an account (the local directory's users are not
 * known in advance), and the settings and secrets that point each connector at its fake.
 *
 * @example
 * const vendors = await startVendorFakes();
 * const { settings, secrets } = vendors.connectorConfigs.zoom;
 * vendors.zoom.down(10_000); // Zoom is down for ten seconds
 * await vendors.close();
 */
import { type AtlassianFake, startAtlassianFake } from './atlassian.ts';
import { type GitHubFake, startGitHubFake } from './github.ts';
import { type SalesforceFake, startSalesforceFake } from './salesforce.ts';
import { startWebhookFake, type WebhookFake } from './webhook.ts';
import { startZendeskFake, type ZendeskFake } from './zendesk.ts';
import { startZoomFake, type ZoomFake } from './zoom.ts';

export type ShippedConnectorId =
  | 'github'
  | 'atlassian'
  | 'zoom'
  | 'salesforce'
  | 'zendesk'
  | 'webhook'
  | 'manual';

export interface ConnectorConfig {
  readonly settings: Record<string, unknown>;
  readonly secrets: Record<string, unknown>;
}

export interface VendorFakes {
  readonly github: GitHubFake;
  readonly atlassian: AtlassianFake;
  readonly zoom: ZoomFake;
  readonly salesforce: SalesforceFake;
  readonly zendesk: ZendeskFake;
  readonly webhook: WebhookFake;
  /** Per connector id; the manual task has no vendor, only instructions. */
  readonly connectorConfigs: Readonly<Record<ShippedConnectorId, ConnectorConfig>>;
  close(): Promise<void>;
}

export async function startVendorFakes(): Promise<VendorFakes> {
  const [github, atlassian, zoom, salesforce, zendesk, webhook] = await Promise.all([
    startGitHubFake({ accountsForEveryone: true }),
    startAtlassianFake({ accountsForEveryone: true }),
    startZoomFake({ accountsForEveryone: true }),
    startSalesforceFake({ accountsForEveryone: true }),
    startZendeskFake({ accountsForEveryone: true }),
    startWebhookFake(),
  ]);
  const all = [github, atlassian, zoom, salesforce, zendesk, webhook];
  return {
    github,
    atlassian,
    zoom,
    salesforce,
    zendesk,
    webhook,
    connectorConfigs: {
      github: github.connectorConfig('userNameLocalPart'),
      atlassian: atlassian.connectorConfig(),
      zoom: zoom.connectorConfig(),
      salesforce: salesforce.connectorConfig(),
      zendesk: zendesk.connectorConfig(),
      webhook: webhook.connectorConfig(),
      manual: {
        settings: {
          application: 'Legacy ERP',
          instructions:
            'Disable {{displayName}} ({{email}}) in the Legacy ERP: Administration > Users > {{userName}}.',
          restoreInstructions: 'Enable {{userName}} again in the Legacy ERP.',
        },
        secrets: {},
      },
    },
    close: async () => {
      await Promise.all(all.map((fake) => fake.close()));
    },
  };
}
