import { afterEach, describe, expect, it } from 'vitest';
import zoom from '../../../functions/connectors/zoom/connector.ts';
import { startZoomFake, type ZoomFake } from '../../fakes/zoom.ts';
import { runHandler, userEvent } from '../../support/connector-harness.ts';

let fake: ZoomFake;
afterEach(() => fake?.close());

const ADA = 'ada.lovelace@example.com';
const paths = () => fake.requests.map((request) => `${request.method} ${request.url.pathname}`);

describe('Zoom connector, against a local Zoom', () => {
  it('deactivates the leaver through Server-to-Server OAuth and names the Zoom user as evidence', async () => {
    fake = await startZoomFake({ users: [ADA, 'grace@example.com'] });
    const outcome = await runHandler(zoom, userEvent('user.deactivated'), fake.connectorConfig());
    const ada = fake.byEmail(ADA);
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Zoom user ${ADA} deactivated`,
      vendorReference: ada?.id,
    });
    expect(ada?.status).toBe('inactive');
    expect(fake.byEmail('grace@example.com')?.status).toBe('active');
    expect(paths()).toEqual([
      'POST /oauth/token',
      `GET /v2/users/${encodeURIComponent(ADA)}`,
      `PUT /v2/users/${ada?.id}/status`,
    ]);
  });

  it('says not_found for an email Zoom does not know (code 1001)', async () => {
    fake = await startZoomFake({ users: ['grace@example.com'] });
    const outcome = await runHandler(zoom, userEvent('user.deleted'), fake.connectorConfig());
    expect(outcome).toMatchObject({ status: 'not_found', detail: `Zoom has no user ${ADA}` });
  });

  it('does not deactivate twice: an inactive user is already revoked', async () => {
    fake = await startZoomFake({ inactive: [ADA] });
    const outcome = await runHandler(zoom, userEvent('user.deleted'), fake.connectorConfig());
    expect(outcome).toMatchObject({ status: 'revoked', detail: `Zoom user ${ADA} was already deactivated` });
    expect(paths().filter((path) => path.startsWith('PUT'))).toEqual([]);
  });

  it('never reads a bare 404 (a wrong API base URL) as "no account"', async () => {
    fake = await startZoomFake({ users: [ADA] });
    const config = fake.connectorConfig();
    const outcome = await runHandler(zoom, userEvent('user.deactivated'), {
      ...config,
      settings: { ...config.settings, apiBaseUrl: fake.url },
    });
    expect(outcome.status).toBe('failed_permanent');
  });

  it('waits out a 429 on the users API, then deactivates', async () => {
    fake = await startZoomFake({ users: [ADA] });
    fake.failNext(1, { status: 429, retryAfter: 0, path: '/v2/users' });
    const outcome = await runHandler(zoom, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(paths().filter((path) => path.startsWith('GET'))).toHaveLength(2);
  });

  it('retries a Zoom 5xx, then deactivates', async () => {
    fake = await startZoomFake({ users: [ADA] });
    fake.failNext(2, { status: 503, path: '/v2/users' });
    const outcome = await runHandler(zoom, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.byEmail(ADA)?.status).toBe('inactive');
  });

  it('fails permanently when the app credentials are refused, and never calls the users API', async () => {
    fake = await startZoomFake({ users: [ADA] });
    const config = fake.connectorConfig();
    const outcome = await runHandler(zoom, userEvent('user.deactivated'), {
      ...config,
      secrets: { ...config.secrets, clientSecret: 'rotated-away' },
    });
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toBe(
      `Zoom refused the credentials (401) to look up ${ADA}: invalid_client: Invalid client_id or client_secret. Check the connector's secret.`,
    );
    expect(paths()).toEqual(['POST /oauth/token']);
    expect(fake.byEmail(ADA)?.status).toBe('active');
  });

  it('fetches a new token once when Zoom says the cached one expired, and reuses tokens otherwise', async () => {
    fake = await startZoomFake({ users: [ADA, 'grace@example.com'] });
    await runHandler(
      zoom,
      userEvent('user.deactivated', { userName: 'grace@example.com', emails: [] }),
      fake.connectorConfig(),
    );
    expect(fake.tokens.count).toBe(1);
    fake.tokens.expireAll();
    const outcome = await runHandler(zoom, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.tokens.count).toBe(2);
  });

  it('activates a returner', async () => {
    fake = await startZoomFake({ inactive: [ADA] });
    const outcome = await runHandler(zoom, userEvent('user.reactivated'), fake.connectorConfig());
    expect(outcome).toMatchObject({ status: 'restored', detail: `Zoom user ${ADA} activated` });
    expect(fake.byEmail(ADA)?.status).toBe('active');
  });

  it('fails permanently for a user with no address to match', async () => {
    fake = await startZoomFake({ users: [ADA] });
    const outcome = await runHandler(
      zoom,
      userEvent('user.deactivated', { userName: 'ada', emails: [] }),
      fake.connectorConfig(),
    );
    expect(outcome.status).toBe('failed_permanent');
    expect(fake.requests).toHaveLength(0);
  });
});
