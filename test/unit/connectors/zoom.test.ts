import { afterEach, describe, expect, it } from 'vitest';
import zoom from '../../../functions/connectors/zoom/connector.ts';
import { startZoomFake, ZOOM_SSO_LOGIN, type ZoomFake } from '../../../local/fakes/zoom.ts';
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
      detail: `Zoom user ${ADA} deactivated; their Licensed licence was released`,
      vendorReference: ada?.id,
      closes: ['login', 'seat'],
      restoreState: { type: '2' },
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
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Zoom user ${ADA} was already deactivated`,
      closes: ['login', 'seat'],
    });
    expect(outcome.restoreState).toBeUndefined();
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

  it('demotes an admin to member, then deactivates them, and says so', async () => {
    fake = await startZoomFake({ accounts: [{ email: ADA, role_id: '1' }] });
    const outcome = await runHandler(zoom, userEvent('user.deactivated'), fake.connectorConfig());
    const ada = fake.byEmail(ADA);
    expect(ada).toMatchObject({ status: 'inactive', role_id: '2', type: 1 });
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Zoom user ${ADA} deactivated after their Admin role was taken away (Member); their Licensed licence was released`,
      closes: ['login', 'seat'],
      restoreState: { type: '2', roleId: '1' },
    });
    expect(paths()).toContain('POST /v2/roles/2/members');
    expect(fake.requests.find((request) => request.url.pathname === '/v2/roles/2/members')?.body).toBe(
      JSON.stringify({ members: [{ id: ada?.id }] }),
    );
  });

  it('never tries to deactivate the account owner: a permanent failure that says what to do', async () => {
    fake = await startZoomFake({ accounts: [{ email: ADA, role_id: '0' }] });
    const outcome = await runHandler(zoom, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toContain('owner');
    expect(fake.byEmail(ADA)?.status).toBe('active');
  });

  it('withdraws a pending invitation by deleting the pending user, so it can no longer be accepted', async () => {
    fake = await startZoomFake({ accounts: [{ email: ADA, status: 'pending' }] });
    const outcome = await runHandler(zoom, userEvent('user.deactivated'), fake.connectorConfig());
    expect(fake.byEmail(ADA)).toBeUndefined();
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Zoom user ${ADA} had not accepted their invitation: the pending user was deleted`,
      closes: ['login', 'sessions', 'apiTokens', 'seat'],
    });
    expect(paths().filter((path) => path.startsWith('DELETE'))).toHaveLength(1);
    expect(fake.requests.at(-1)?.url.searchParams.get('action')).toBe('disassociate');
  });

  it("ends an SSO user's live session by revoking their SSO token before deactivating", async () => {
    fake = await startZoomFake({ accounts: [{ email: ADA, login_types: [ZOOM_SSO_LOGIN] }] });
    const outcome = await runHandler(zoom, userEvent('user.deactivated'), fake.connectorConfig());
    const ada = fake.byEmail(ADA);
    expect(ada).toMatchObject({ status: 'inactive', signedIn: false });
    expect(outcome).toMatchObject({ status: 'revoked', closes: ['login', 'sessions', 'seat'] });
    expect(outcome.detail).toContain('SSO session ended');
    expect(paths()).toContain(`DELETE /v2/users/${ada?.id}/token`);
  });

  it('leaves the SSO token alone when the operator turned it off', async () => {
    fake = await startZoomFake({ accounts: [{ email: ADA, login_types: [ZOOM_SSO_LOGIN] }] });
    const config = fake.connectorConfig();
    const outcome = await runHandler(zoom, userEvent('user.deactivated'), {
      ...config,
      settings: { ...config.settings, revokeSsoToken: false },
    });
    expect(outcome).toMatchObject({ status: 'revoked', closes: ['login', 'seat'] });
    expect(fake.byEmail(ADA)?.signedIn).toBe(true);
  });

  it('activates a returner and gives back the licence type recorded at revocation', async () => {
    fake = await startZoomFake({ users: [ADA] });
    const left = await runHandler(zoom, userEvent('user.deactivated'), fake.connectorConfig());
    expect(fake.byEmail(ADA)?.type).toBe(1);
    const outcome = await runHandler(zoom, userEvent('user.reactivated'), fake.connectorConfig(), {
      ...(left.restoreState ? { restoreState: left.restoreState } : {}),
    });
    expect(fake.byEmail(ADA)).toMatchObject({ status: 'active', type: 2 });
    expect(outcome).toMatchObject({
      status: 'restored',
      detail: `Zoom user ${ADA} activated; their Licensed licence was given back`,
    });
  });

  it('gives the licence back even when an earlier try already activated the returner', async () => {
    fake = await startZoomFake({ accounts: [{ email: ADA, type: 1 }] });
    const outcome = await runHandler(zoom, userEvent('user.reactivated'), fake.connectorConfig(), {
      restoreState: { type: '2' },
    });
    expect(fake.byEmail(ADA)?.type).toBe(2);
    expect(outcome.status).toBe('restored');
  });

  it('asks an operator for the licence when nothing recorded what the returner had', async () => {
    fake = await startZoomFake({ inactive: [ADA] });
    const outcome = await runHandler(zoom, userEvent('user.reactivated'), fake.connectorConfig());
    expect(fake.byEmail(ADA)).toMatchObject({ status: 'active', type: 1 });
    expect(outcome.status).toBe('manual_pending');
    expect(outcome.instructions).toContain('licence');
  });

  it('does not give an admin role back on its own: the detail tells the operator', async () => {
    fake = await startZoomFake({ accounts: [{ email: ADA, status: 'inactive', type: 1 }] });
    const outcome = await runHandler(zoom, userEvent('user.reactivated'), fake.connectorConfig(), {
      restoreState: { type: '1', roleId: '1' },
    });
    expect(fake.byEmail(ADA)).toMatchObject({ status: 'active', role_id: '2' });
    expect(outcome.status).toBe('restored');
    expect(outcome.detail).toContain('Admin role is not given back');
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
