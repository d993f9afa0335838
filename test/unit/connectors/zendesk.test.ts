import { afterEach, describe, expect, it } from 'vitest';
import zendesk from '../../../functions/connectors/zendesk/connector.ts';
import { startZendeskFake, type ZendeskFake } from '../../fakes/zendesk.ts';
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
      detail: `Zendesk user ${ADA} suspended`,
      vendorReference: String(user?.id),
    });
    expect(user?.suspended).toBe(true);
    expect(fake.byEmail('grace@example.com')?.suspended).toBe(false);
    const [search, update] = fake.requests;
    expect(search?.url.searchParams.get('query')).toBe(`email:${ADA}`);
    expect(`${update?.method} ${update?.url.pathname} ${update?.body}`).toBe(
      `PUT /api/v2/users/${user?.id} {"user":{"suspended":true}}`,
    );
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
    expect(fake.requests).toHaveLength(2);
  });

  it('leaves a suspended user alone: already revoked', async () => {
    fake = await startZendeskFake({ users: [{ email: ADA, suspended: true }] });
    const outcome = await runHandler(zendesk, userEvent('user.deleted'), fake.connectorConfig());
    expect(outcome).toMatchObject({ status: 'revoked', detail: `Zendesk user ${ADA} was already suspended` });
    expect(fake.requests.filter((request) => request.method === 'PUT')).toHaveLength(0);
  });

  it('waits out a 429 with Retry-After, then suspends', async () => {
    fake = await startZendeskFake({ users: [{ email: ADA }] });
    fake.failNext(1, { status: 429, retryAfter: 0 });
    const outcome = await runHandler(zendesk, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.requests).toHaveLength(3);
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

  it('works with an OAuth token too, and unsuspends a returner', async () => {
    fake = await startZendeskFake({ users: [{ email: ADA, suspended: true }] });
    const outcome = await runHandler(zendesk, userEvent('user.reactivated'), fake.connectorConfig('oauth'));
    expect(outcome).toMatchObject({ status: 'restored', detail: `Zendesk user ${ADA} unsuspended` });
    expect(fake.byEmail(ADA)?.suspended).toBe(false);
  });
});
