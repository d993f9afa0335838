import { afterEach, describe, expect, it } from 'vitest';
import atlassian from '../../../functions/connectors/atlassian/connector.ts';
import { type AtlassianFake, startAtlassianFake } from '../../fakes/atlassian.ts';
import { runHandler, userEvent } from '../../support/connector-harness.ts';

let fake: AtlassianFake;
afterEach(() => fake?.close());

const ADA = 'ada.lovelace@example.com';
const calls = () =>
  fake.requests.map((request) => `${request.method} ${request.url.pathname.split(fake.organizationId)[1]}`);

describe('Atlassian connector, against a local organization admin API', () => {
  it('finds the account by email and suspends its access in its directory', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: ADA }, { email: 'grace@example.com' }] });
    const outcome = await runHandler(atlassian, userEvent('user.deactivated'), fake.connectorConfig());
    const account = fake.byEmail(ADA);
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Suspended the Atlassian access of ${ADA} in directory ${fake.defaultDirectoryId}`,
      vendorReference: account?.accountId,
    });
    expect(account?.directories.get(fake.defaultDirectoryId)).toBe('suspended');
    expect(fake.byEmail('grace@example.com')?.directories.get(fake.defaultDirectoryId)).toBe('active');
    expect(calls()).toEqual([
      'POST /directories/-/users/search',
      'GET /directories',
      `POST /directories/${fake.defaultDirectoryId}/users/${account?.accountId}/suspend`,
    ]);
    expect(JSON.parse(fake.requests[0]?.body ?? '{}')).toEqual({ emails: [ADA], limit: 100 });
  });

  it('suspends in every directory the account is in', async () => {
    fake = await startAtlassianFake({
      accounts: [{ email: ADA, directories: { eng: 'active', sales: 'active' } }],
    });
    const outcome = await runHandler(atlassian, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.detail).toBe(`Suspended the Atlassian access of ${ADA} in 2 directories (eng, sales)`);
    expect([...(fake.byEmail(ADA)?.directories.values() ?? [])]).toEqual(['suspended', 'suspended']);
  });

  it('says not_found when the organization has no such account', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: 'grace@example.com' }] });
    const outcome = await runHandler(atlassian, userEvent('user.deleted'), fake.connectorConfig());
    expect(outcome).toMatchObject({
      status: 'not_found',
      detail: `Atlassian has no account ${ADA} in the organization`,
    });
  });

  it('does not suspend twice', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: ADA, directories: { eng: 'suspended' } }] });
    const outcome = await runHandler(atlassian, userEvent('user.deleted'), fake.connectorConfig());
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Atlassian access of ${ADA} was already suspended`,
    });
    expect(calls()).toEqual(['POST /directories/-/users/search']);
  });

  it('acts only in a configured directory, and a wrong one fails rather than passing as "no account"', async () => {
    fake = await startAtlassianFake({
      accounts: [{ email: ADA, directories: { eng: 'active', sales: 'active' } }],
    });
    const outcome = await runHandler(
      atlassian,
      userEvent('user.deactivated'),
      fake.connectorConfig({ directoryId: 'eng' }),
    );
    expect(outcome.status).toBe('revoked');
    expect(Object.fromEntries(fake.byEmail(ADA)?.directories ?? [])).toEqual({
      eng: 'suspended',
      sales: 'active',
    });
    const wrong = await runHandler(
      atlassian,
      userEvent('user.deactivated'),
      fake.connectorConfig({ directoryId: 'typo' }),
    );
    expect(wrong.status).toBe('failed_permanent');
    expect(wrong.detail).toContain('ADMIN-UAM-404-1');
  });

  it('removes instead of suspending when configured, and a returner then needs an invitation', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: ADA }] });
    const removed = await runHandler(
      atlassian,
      userEvent('user.deleted'),
      fake.connectorConfig({ leaverAction: 'remove' }),
    );
    expect(removed.detail).toBe(
      `Removed the Atlassian access of ${ADA} in directory ${fake.defaultDirectoryId}`,
    );
    expect(fake.byEmail(ADA)?.directories.size).toBe(0);
    const returner = await runHandler(
      atlassian,
      userEvent('user.reactivated'),
      fake.connectorConfig({ leaverAction: 'remove' }),
    );
    expect(returner.status).toBe('manual_pending');
    expect(returner.instructions).toContain(`Invite ${ADA} to the organization again`);
  });

  it('restores suspended access for a returner', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: ADA, directories: { eng: 'suspended' } }] });
    const outcome = await runHandler(atlassian, userEvent('user.reactivated'), fake.connectorConfig());
    expect(outcome).toMatchObject({
      status: 'restored',
      detail: `Restored the Atlassian access of ${ADA} in directory eng`,
    });
    expect(fake.byEmail(ADA)?.directories.get('eng')).toBe('active');
  });

  it('waits out a 429, then suspends', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: ADA }] });
    fake.failNext(1, { status: 429, retryAfter: 0 });
    const outcome = await runHandler(atlassian, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.requests).toHaveLength(4);
  });

  it('retries 5xx answers, then suspends', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: ADA }] });
    fake.failNext(2, {
      status: 500,
      path: `/admin/v2/orgs/${fake.organizationId}/directories/${fake.defaultDirectoryId}`,
    });
    const outcome = await runHandler(atlassian, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.requests).toHaveLength(5);
  });

  it('fails permanently when the API key is refused', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: ADA }] });
    const outcome = await runHandler(atlassian, userEvent('user.deactivated'), {
      ...fake.connectorConfig(),
      secrets: { apiKey: 'expired' },
    });
    expect(outcome).toMatchObject({
      status: 'failed_permanent',
      detail: `Atlassian refused the credentials (401) to search for ${ADA}: ADMIN-UAM-401-1: The API key is invalid or expired. Check the connector's secret.`,
    });
    expect(fake.requests).toHaveLength(1);
  });
});
