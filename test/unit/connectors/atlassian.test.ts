import { afterEach, describe, expect, it } from 'vitest';
import atlassian from '../../../functions/connectors/atlassian/connector.ts';
import { type AtlassianFake, startAtlassianFake } from '../../../local/fakes/atlassian.ts';
import { runHandler, userEvent } from '../../support/connector-harness.ts';

let fake: AtlassianFake;
afterEach(() => fake?.close());

const ADA = 'ada.lovelace@example.com';
const calls = () =>
  fake.requests.map((request) => {
    const path = request.url.pathname;
    return `${request.method} ${path.includes(fake.organizationId) ? path.split(fake.organizationId)[1] : path}`;
  });

describe('Atlassian connector, against a local organization admin API', () => {
  it('finds the account by email, suspends its access in its directory and disables the managed account', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: ADA }, { email: 'grace@example.com' }] });
    const outcome = await runHandler(atlassian, userEvent('user.deactivated'), fake.connectorConfig());
    const account = fake.byEmail(ADA);
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Suspended the Atlassian access of ${ADA} in directory ${fake.defaultDirectoryId}; deactivated their managed Atlassian account (no login, no API tokens anywhere)`,
      vendorReference: account?.accountId,
      closes: ['login', 'sessions', 'apiTokens', 'seat'],
      restoreState: { accountDisabled: 'true' },
    });
    expect(account?.directories.get(fake.defaultDirectoryId)).toBe('suspended');
    expect(account?.accountStatus).toBe('inactive');
    expect(fake.byEmail('grace@example.com')?.directories.get(fake.defaultDirectoryId)).toBe('active');
    expect(calls()).toEqual([
      'POST /directories/-/users/search',
      'GET /directories',
      `GET /directories/${fake.defaultDirectoryId}/users/${account?.accountId}`,
      `POST /directories/${fake.defaultDirectoryId}/users/${account?.accountId}/suspend`,
      `POST /users/${encodeURIComponent(account?.accountId ?? '')}/manage/lifecycle/disable`,
    ]);
    // The documented page size (50) is what the search gets: the connector asks for no other.
    expect(JSON.parse(fake.requests[0]?.body ?? '{}')).toEqual({ emails: [ADA] });
  });

  it('suspends only where access is still active, never a directory already suspended', async () => {
    fake = await startAtlassianFake({
      accounts: [{ email: ADA, directories: { eng: 'suspended', sales: 'active' } }],
    });
    const outcome = await runHandler(atlassian, userEvent('user.deactivated'), fake.connectorConfig());
    expect(calls().filter((call) => call.endsWith('/suspend'))).toEqual([
      `POST /directories/sales/users/${fake.byEmail(ADA)?.accountId}/suspend`,
    ]);
    expect(outcome.detail).toContain(`in directory sales (already suspended in directory eng)`);
  });

  it('leaves an account the organization does not manage enabled, and says what stays open', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: ADA, managed: false }] });
    const outcome = await runHandler(atlassian, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome).toMatchObject({ status: 'revoked', closes: ['login', 'seat'] });
    expect(outcome.detail).toContain('not managed by the organization');
    expect(outcome.restoreState).toBeUndefined();
    expect(calls().some((call) => call.includes('lifecycle'))).toBe(false);
  });

  it('only suspends when the operator turned account disabling off', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: ADA }] });
    const outcome = await runHandler(
      atlassian,
      userEvent('user.deactivated'),
      fake.connectorConfig({ disableManagedAccounts: false }),
    );
    expect(outcome).toMatchObject({ status: 'revoked', closes: ['login', 'seat'] });
    expect(fake.byEmail(ADA)?.accountStatus).toBe('active');
  });

  it('enables the account it disabled and restores access for a returner', async () => {
    fake = await startAtlassianFake({
      accounts: [{ email: ADA, directories: { eng: 'suspended' }, accountStatus: 'inactive' }],
    });
    const outcome = await runHandler(atlassian, userEvent('user.reactivated'), fake.connectorConfig(), {
      restoreState: { accountDisabled: 'true' },
    });
    expect(outcome).toMatchObject({
      status: 'restored',
      detail: `Enabled the Atlassian account of ${ADA}; restored the Atlassian access of ${ADA} in directory eng`,
    });
    expect(fake.byEmail(ADA)).toMatchObject({ accountStatus: 'active' });
    expect(fake.byEmail(ADA)?.directories.get('eng')).toBe('active');
  });

  it('suspends in every directory the account is in', async () => {
    fake = await startAtlassianFake({
      accounts: [{ email: ADA, directories: { eng: 'active', sales: 'active' } }],
    });
    const outcome = await runHandler(atlassian, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.detail).toMatch(
      new RegExp(`^Suspended the Atlassian access of ${ADA} in 2 directories \\(eng, sales\\);`),
    );
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

  it('does not suspend twice, and does not disable an account twice', async () => {
    fake = await startAtlassianFake({
      accounts: [{ email: ADA, directories: { eng: 'suspended' }, accountStatus: 'inactive' }],
    });
    const outcome = await runHandler(atlassian, userEvent('user.deleted'), fake.connectorConfig());
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Atlassian access of ${ADA} was already suspended; their managed Atlassian account was already deactivated`,
      closes: ['login', 'sessions', 'apiTokens', 'seat'],
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
    expect(removed.detail).toMatch(
      new RegExp(`^Removed the Atlassian access of ${ADA} in directory ${fake.defaultDirectoryId};`),
    );
    expect(fake.byEmail(ADA)?.directories.size).toBe(0);
    const returner = await runHandler(
      atlassian,
      userEvent('user.reactivated'),
      fake.connectorConfig({ leaverAction: 'remove' }),
      { ...(removed.restoreState ? { restoreState: removed.restoreState } : {}) },
    );
    expect(returner.status).toBe('manual_pending');
    expect(returner.instructions).toContain(`Invite ${ADA} to the organization again`);
    expect(returner.detail).toMatch(/^Enabled the Atlassian account/);
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
    expect(fake.requests[0]?.url.pathname).toBe(fake.requests[1]?.url.pathname);
    expect(fake.byEmail(ADA)?.directories.get(fake.defaultDirectoryId)).toBe('suspended');
  });

  it('retries 5xx answers, then suspends', async () => {
    fake = await startAtlassianFake({ accounts: [{ email: ADA }] });
    fake.failNext(2, {
      status: 500,
      path: `/admin/v2/orgs/${fake.organizationId}/directories/${fake.defaultDirectoryId}`,
    });
    const outcome = await runHandler(atlassian, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.byEmail(ADA)?.directories.get(fake.defaultDirectoryId)).toBe('suspended');
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
