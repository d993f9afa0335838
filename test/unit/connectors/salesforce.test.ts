import { afterEach, describe, expect, it } from 'vitest';
import salesforce, { soqlString } from '../../../functions/connectors/salesforce/connector.ts';
import { type SalesforceFake, startSalesforceFake } from '../../../local/fakes/salesforce.ts';
import { runHandler, userEvent } from '../../support/connector-harness.ts';

let fake: SalesforceFake;
afterEach(() => fake?.close());

const ADA = 'ada.lovelace@example.com';
const ada = { Username: ADA, Email: ADA, FederationIdentifier: 'ada.lovelace@example.com', IsActive: true };
const grace = { Username: 'grace@example.com', Email: 'grace@example.com', IsActive: true };
const withSettings = (extra: Record<string, unknown>) => {
  const config = fake.connectorConfig();
  return { ...config, settings: { ...config.settings, ...extra } };
};

describe('Salesforce connector, against a local Salesforce', () => {
  it('finds the User by Username with SOQL and deactivates it, naming the User Id as evidence', async () => {
    fake = await startSalesforceFake({ users: [ada, grace] });
    const outcome = await runHandler(salesforce, userEvent('user.deactivated'), fake.connectorConfig());
    const user = fake.byUsername(ADA);
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Salesforce user ${ADA} frozen, 1 session ended, then deactivated`,
      vendorReference: user?.Id,
    });
    expect(user?.IsActive).toBe(false);
    expect(fake.byUsername('grace@example.com')?.IsActive).toBe(true);
    const [token, query] = fake.requests;
    const update = fake.requests.at(-1);
    expect(token?.body).toMatch(/^grant_type=client_credentials&client_id=3MVG9/);
    expect(query?.url.searchParams.get('q')).toBe(
      `SELECT Id, Username, IsActive FROM User WHERE Username = '${ADA}'`,
    );
    expect(`${update?.method} ${update?.url.pathname} ${update?.body}`).toBe(
      `PATCH /services/data/v63.0/sobjects/User/${user?.Id} {"IsActive":false}`,
    );
  });

  it('says not_found when no User matches', async () => {
    fake = await startSalesforceFake({ users: [grace] });
    const outcome = await runHandler(salesforce, userEvent('user.deleted'), fake.connectorConfig());
    expect(outcome).toMatchObject({
      status: 'not_found',
      detail: `Salesforce has no user with Username = '${ADA}'`,
    });
  });

  it('leaves an inactive User alone: already revoked', async () => {
    fake = await startSalesforceFake({ users: [{ ...ada, IsActive: false }] });
    const outcome = await runHandler(salesforce, userEvent('user.deleted'), fake.connectorConfig());
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Salesforce user ${ADA} was already inactive`,
      closes: ['login', 'apiTokens', 'seat'],
    });
    expect(fake.requests.filter((request) => request.method === 'PATCH')).toHaveLength(0);
  });

  it('refuses to guess when an Email matches several Users', async () => {
    fake = await startSalesforceFake({ users: [ada, { ...ada, Username: `${ADA}.sandbox` }] });
    const outcome = await runHandler(
      salesforce,
      userEvent('user.deactivated'),
      withSettings({ matchOn: 'Email' }),
    );
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toContain('Salesforce has 2 users with Email');
    expect([...fake.users.values()].every((user) => user.IsActive)).toBe(true);
  });

  it('matches on FederationIdentifier and escapes quotes in SOQL', async () => {
    const obrien = "o'brien@example.com";
    fake = await startSalesforceFake({
      users: [{ ...ada, Username: 'sf-obrien', FederationIdentifier: obrien }],
    });
    const outcome = await runHandler(
      salesforce,
      userEvent('user.deactivated', { userName: obrien, emails: [] }),
      withSettings({ matchOn: 'FederationIdentifier' }),
    );
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: 'Salesforce user sf-obrien frozen, 1 session ended, then deactivated',
    });
    expect(soqlString("a'b\\c")).toBe("a\\'b\\\\c");
  });

  it('waits out a 429, then deactivates', async () => {
    fake = await startSalesforceFake({ users: [ada] });
    fake.failNext(1, { status: 429, retryAfter: 0, path: '/services/data' });
    const outcome = await runHandler(salesforce, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
  });

  it('retries a 503, then deactivates', async () => {
    fake = await startSalesforceFake({ users: [ada] });
    fake.failNext(2, { status: 503, path: '/services/data' });
    const outcome = await runHandler(salesforce, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.byUsername(ADA)?.IsActive).toBe(false);
  });

  it('reads an exhausted daily API allowance (403 REQUEST_LIMIT_EXCEEDED) as retryable', async () => {
    fake = await startSalesforceFake({ users: [ada] });
    fake.failNext(1, { status: 403, path: '/services/data' });
    const outcome = await runHandler(salesforce, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('failed_retryable');
    expect(outcome.detail).toContain('REQUEST_LIMIT_EXCEEDED');
  });

  it('fails permanently when the client credentials are refused', async () => {
    fake = await startSalesforceFake({ users: [ada] });
    const config = fake.connectorConfig();
    const outcome = await runHandler(salesforce, userEvent('user.deactivated'), {
      ...config,
      secrets: { ...config.secrets, clientSecret: 'wrong' },
    });
    expect(outcome).toMatchObject({ status: 'failed_permanent' });
    expect(outcome.detail).toContain('refused the credentials (401)');
    expect(outcome.detail).toContain('invalid_client: invalid client credentials');
    expect(fake.requests.map((request) => request.url.pathname)).toEqual(['/services/oauth2/token']);
  });

  it('fetches a new token when the session expired, then deactivates', async () => {
    fake = await startSalesforceFake({ users: [ada, grace] });
    await runHandler(
      salesforce,
      userEvent('user.deactivated', { userName: 'grace@example.com', emails: [] }),
      fake.connectorConfig(),
    );
    fake.tokens.expireAll();
    const outcome = await runHandler(salesforce, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.tokens.count).toBe(2);
  });

  it('freezes a user Salesforce will not deactivate, and hands the blocking reason to an operator', async () => {
    fake = await startSalesforceFake({ users: [ada], cannotDeactivate: [ADA] });
    const outcome = await runHandler(salesforce, userEvent('user.deactivated'), fake.connectorConfig());
    expect(fake.byUsername(ADA)).toMatchObject({ IsActive: true, IsFrozen: true, sessions: [] });
    expect(outcome).toMatchObject({
      status: 'manual_pending',
      closes: ['login', 'sessions'],
      restoreState: { frozen: 'true' },
    });
    expect(outcome.detail).toBe(
      `Salesforce user ${ADA} frozen (cannot log in) and their sessions ended, but Salesforce refused to deactivate them: FIELD_INTEGRITY_EXCEPTION: You cannot deactivate the Default Workflow User`,
    );
    expect(outcome.instructions).toContain('You cannot deactivate the Default Workflow User');
    expect(outcome.instructions).toContain('licence');
  });

  it('freezes first, ends every session, then deactivates, and says what that closed', async () => {
    fake = await startSalesforceFake({ users: [{ ...ada, sessions: ['0AkAAA1', '0AkAAA2'] }] });
    const outcome = await runHandler(salesforce, userEvent('user.deactivated'), fake.connectorConfig());
    expect(fake.byUsername(ADA)).toMatchObject({ IsActive: false, IsFrozen: true, sessions: [] });
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Salesforce user ${ADA} frozen, 2 sessions ended, then deactivated`,
      closes: ['login', 'sessions', 'apiTokens', 'seat'],
      restoreState: { frozen: 'true' },
    });
    const writes = fake.requests
      .filter((request) => request.method !== 'GET' && request.method !== 'POST')
      .map((request) => `${request.method} ${request.url.pathname.replace(/^.*sobjects\//, '')}`);
    expect(writes.map((write) => write.replace(/\/\w+$/, ''))).toEqual([
      'PATCH UserLogin',
      'DELETE AuthSession',
      'DELETE AuthSession',
      'PATCH User',
    ]);
  });

  it('leaves sessions alone when the operator turned that off', async () => {
    fake = await startSalesforceFake({ users: [ada] });
    const outcome = await runHandler(
      salesforce,
      userEvent('user.deactivated'),
      withSettings({ endSessions: false }),
    );
    expect(fake.byUsername(ADA)?.sessions).toHaveLength(1);
    expect(outcome.closes).toEqual(['login', 'apiTokens', 'seat']);
  });

  it('activates a returner and unfreezes the login this connector froze', async () => {
    fake = await startSalesforceFake({ users: [{ ...ada, IsActive: false, IsFrozen: true }] });
    const outcome = await runHandler(salesforce, userEvent('user.reactivated'), fake.connectorConfig(), {
      restoreState: { frozen: 'true' },
    });
    expect(outcome).toMatchObject({
      status: 'restored',
      detail: `Salesforce user ${ADA} activated and unfrozen`,
    });
    expect(fake.byUsername(ADA)).toMatchObject({ IsActive: true, IsFrozen: false });
  });

  it('never unfreezes a login someone else froze', async () => {
    fake = await startSalesforceFake({ users: [{ ...ada, IsActive: false, IsFrozen: true }] });
    const outcome = await runHandler(salesforce, userEvent('user.reactivated'), fake.connectorConfig());
    expect(fake.byUsername(ADA)).toMatchObject({ IsActive: true, IsFrozen: true });
    expect(outcome).toMatchObject({ status: 'restored' });
    expect(outcome.detail).toContain('still frozen');
  });
});
