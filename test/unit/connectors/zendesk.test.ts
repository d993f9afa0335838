import { afterEach, describe, expect, it } from 'vitest';
import zendesk from '../../../functions/connectors/zendesk/connector.ts';
import { startZendeskFake, type ZendeskFake } from '../../../local/fakes/zendesk.ts';
import { runHandler, userEvent } from '../../support/connector-harness.ts';

let fake: ZendeskFake;
afterEach(() => fake?.close());

const ADA = 'ada.lovelace@example.com';

describe('Zendesk connector, against a local Zendesk', () => {
  it('searches the user by email and suspends them, naming the Zendesk user id as evidence', async () => {
    fake = await startZendeskFake({ users: [{ email: ADA }, { email: 'grace@example.com' }] });
    const outcome = await runHandler(zendesk, userEvent('user.deactivated'), fake.connectorConfig());
    const user = fake.byEmail(ADA);
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Zendesk user ${ADA} suspended, sessions ended`,
      vendorReference: String(user?.id),
      closes: ['login', 'sessions', 'seat'],
    });
    expect(user?.suspended).toBe(true);
    expect(fake.byEmail('grace@example.com')?.suspended).toBe(false);
    const [search, update, sessions] = fake.requests;
    expect(search?.url.searchParams.get('query')).toBe(`email:${ADA}`);
    expect(`${update?.method} ${update?.url.pathname} ${update?.body}`).toBe(
      `PUT /api/v2/users/${user?.id} {"user":{"suspended":true}}`,
    );
    expect(`${sessions?.method} ${sessions?.url.pathname}`).toBe(`DELETE /api/v2/users/${user?.id}/sessions`);
    expect(user?.sessions).toBe(0);
  });

  it('pages through partial matches until the exact address', async () => {
    fake = await startZendeskFake({
      pageSize: 2,
      users: [
        { email: `n${ADA}` },
        { email: `${ADA}.au` },
        { email: `x.${ADA}` },
        { email: ADA.toUpperCase() },
      ],
    });
    const outcome = await runHandler(zendesk, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.byEmail(ADA)?.suspended).toBe(true);
    expect([...fake.users.values()].filter((user) => user.suspended)).toHaveLength(1);
    expect(
      fake.requests
        .filter((request) => request.method === 'GET')
        .map((request) => request.url.searchParams.get('page')),
    ).toEqual([null, '2']);
  });

  it('says not_found when only partial matches exist', async () => {
    fake = await startZendeskFake({ pageSize: 1, users: [{ email: `n${ADA}` }, { email: `${ADA}.au` }] });
    const outcome = await runHandler(zendesk, userEvent('user.deleted'), fake.connectorConfig());
    expect(outcome).toMatchObject({ status: 'not_found', detail: `Zendesk has no user ${ADA}` });
    // Two search pages, then each partial match's identities: neither has the address as a secondary email.
    expect(fake.requests.map((request) => request.url.pathname.split('/').pop())).toEqual([
      'search',
      'search.json',
      'identities',
      'identities',
    ]);
  });

  it('leaves a suspended user alone: already revoked', async () => {
    fake = await startZendeskFake({ users: [{ email: ADA, suspended: true }] });
    const outcome = await runHandler(zendesk, userEvent('user.deleted'), fake.connectorConfig());
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Zendesk user ${ADA} was already suspended, sessions ended`,
    });
    expect(fake.requests.filter((request) => request.method === 'PUT')).toHaveLength(0);
  });

  it('waits out a 429 with Retry-After, then suspends', async () => {
    fake = await startZendeskFake({ users: [{ email: ADA }] });
    fake.failNext(1, { status: 429, retryAfter: 0 });
    const outcome = await runHandler(zendesk, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.requests).toHaveLength(4);
  });

  it('retries 5xx answers, then suspends', async () => {
    fake = await startZendeskFake({ users: [{ email: ADA }] });
    fake.failNext(1, { status: 500 });
    fake.failNext(1, { status: 503, path: '/api/v2/users/3' });
    const outcome = await runHandler(zendesk, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.byEmail(ADA)?.suspended).toBe(true);
  });

  it('fails permanently when the API token is refused', async () => {
    fake = await startZendeskFake({ users: [{ email: ADA }] });
    const outcome = await runHandler(zendesk, userEvent('user.deactivated'), {
      ...fake.connectorConfig(),
      secrets: { email: 'admin@example.com', apiToken: 'revoked' },
    });
    expect(outcome).toMatchObject({
      status: 'failed_permanent',
      detail: `Zendesk refused the credentials (401) to search for ${ADA}: Couldn't authenticate you. Check the connector's secret.`,
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('finds a user by a secondary email identity, which their primary email does not show', async () => {
    fake = await startZendeskFake({
      users: [{ email: 'ada@personal.example', secondaryEmails: [ADA] }, { email: `n${ADA}` }],
    });
    const outcome = await runHandler(zendesk, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.byEmail('ada@personal.example')?.suspended).toBe(true);
    expect(fake.byEmail(`n${ADA}`)?.suspended).toBe(false);
  });

  it('reads past ten pages of partial matches to the exact address', async () => {
    fake = await startZendeskFake({
      pageSize: 1,
      users: [...Array.from({ length: 11 }, (_, index) => ({ email: `x${index}${ADA}` })), { email: ADA }],
    });
    const outcome = await runHandler(zendesk, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.byEmail(ADA)?.suspended).toBe(true);
  });

  it('never says not_found when Zendesk stopped returning results before the end of the matches', async () => {
    fake = await startZendeskFake({
      pageSize: 2,
      resultLimit: 4,
      users: [...Array.from({ length: 5 }, (_, index) => ({ email: `x${index}${ADA}` })), { email: ADA }],
    });
    const outcome = await runHandler(zendesk, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toContain('matched 6 users, more than it returns (4 read)');
    expect(fake.byEmail(ADA)?.suspended).toBe(false);
  });

  it("keeps a leaving agent's paid seat by default, and says so", async () => {
    fake = await startZendeskFake({ users: [{ email: ADA, role: 'agent' }] });
    const outcome = await runHandler(zendesk, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome).toMatchObject({ status: 'revoked', closes: ['login', 'sessions'] });
    expect(fake.byEmail(ADA)?.role).toBe('agent');
  });

  it('downgrades a leaving agent to end user when asked, releasing the seat', async () => {
    fake = await startZendeskFake({ users: [{ email: ADA, role: 'admin', suspended: true }] });
    const config = fake.connectorConfig();
    const outcome = await runHandler(zendesk, userEvent('user.deleted'), {
      ...config,
      settings: { ...config.settings, releaseAgentSeat: true },
    });
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Zendesk user ${ADA} was already suspended, downgraded from admin to end user, sessions ended`,
      closes: ['login', 'sessions', 'seat'],
    });
    expect(fake.byEmail(ADA)?.role).toBe('end-user');
  });

  it('leaves sessions alone when told to, and does not claim them closed', async () => {
    fake = await startZendeskFake({ users: [{ email: ADA }] });
    const config = fake.connectorConfig();
    const outcome = await runHandler(zendesk, userEvent('user.deactivated'), {
      ...config,
      settings: { ...config.settings, endSessions: false },
    });
    expect(outcome).toMatchObject({ status: 'revoked', closes: ['login', 'seat'] });
    expect(fake.byEmail(ADA)?.sessions).toBe(1);
  });

  it('works with an OAuth token too, and unsuspends a returner', async () => {
    fake = await startZendeskFake({ users: [{ email: ADA, suspended: true }] });
    const outcome = await runHandler(zendesk, userEvent('user.reactivated'), fake.connectorConfig('oauth'));
    expect(outcome).toMatchObject({ status: 'restored', detail: `Zendesk user ${ADA} unsuspended` });
    expect(fake.byEmail(ADA)?.suspended).toBe(false);
  });
});
