/**
 * Contract: the Atlassian connector and its fake against Atlassian's published reference.
 *
 * No machine-readable description of these calls is usable here: `jira.js` (the generated client
 * the issue names) covers the Organizations REST API v2 only in its repository's unreleased code;
 * the version on npm (6.2.0) has no admin module, and no other npm package carries the
 * Organizations or User management API. So this
 * test holds the facts we rely on, transcribed from the Organizations REST API v2 and the User
 * management REST API references (sources below), and checks the connector's requests against
 * them: every call is a documented operation, the user search sends only documented fields (and
 * no `limit`, so the documented default of 50 applies), and the fake's users carry only
 * documented fields with documented values. It cannot see what the reference does not say.
 */
import { afterEach, describe, expect, it } from 'vitest';
import atlassian from '../../functions/connectors/atlassian/connector.ts';
import { type AtlassianFake, startAtlassianFake } from '../../local/fakes/atlassian.ts';
import type { FakeRequest } from '../../local/fakes/fake-server.ts';
import { runHandler, userEvent } from '../support/connector-harness.ts';
import { type DocumentedOperation, undocumented } from './support/vendors-operations.ts';

const ORG = 'https://developer.atlassian.com/cloud/admin/organization/rest/';
const LIFECYCLE = 'https://developer.atlassian.com/cloud/admin/user-management/rest/api-group-lifecycle/';

const OPERATIONS: readonly DocumentedOperation[] = [
  {
    method: 'POST',
    path: '/admin/v2/orgs/{orgId}/directories/{directoryId}/users/search',
    source: `${ORG}api-group-users/`,
  },
  { method: 'GET', path: '/admin/v2/orgs/{orgId}/directories', source: `${ORG}api-group-directory/` },
  {
    method: 'GET',
    path: '/admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}',
    source: `${ORG}api-group-users/`,
  },
  {
    method: 'POST',
    path: '/admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/suspend',
    source: `${ORG}api-group-users/`,
  },
  {
    method: 'POST',
    path: '/admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}/restore',
    source: `${ORG}api-group-users/`,
  },
  {
    method: 'DELETE',
    path: '/admin/v2/orgs/{orgId}/directories/{directoryId}/users/{accountId}',
    source: `${ORG}api-group-users/`,
  },
  { method: 'POST', path: '/users/{accountId}/manage/lifecycle/disable', source: LIFECYCLE },
  { method: 'POST', path: '/users/{accountId}/manage/lifecycle/enable', source: LIFECYCLE },
];

/** The search request's fields ("Search for users in an organization"; "limit: Defaults to 50"). */
const SEARCH_FIELDS = [
  'cursor',
  'limit',
  'accountIds',
  'directoryIds',
  'resourceIds',
  'groupIds',
  'mfaEnabled',
  'claimStatus',
  'status',
  'accountStatus',
  'membershipStatus',
  'roleIds',
  'emailDomains',
  'searchTerm',
  'emails',
  'expand',
  'sortBy',
];
/** A user's fields in search results and directory details, and the enums the connector reads. */
const USER_FIELDS = [
  'accountId',
  'accountType',
  'status',
  'accountStatus',
  'membershipStatus',
  'addedToOrg',
  'deactivatedOn',
  'name',
  'nickname',
  'email',
  'emailVerified',
  'claimStatus',
  'platformRoles',
  'picture',
  'avatar',
];
const ENUMS: Record<string, readonly string[]> = {
  accountStatus: ['active', 'inactive', 'closed'],
  membershipStatus: ['active', 'suspended', 'no_membership'],
  claimStatus: ['managed', 'unmanaged'],
  accountType: ['atlassian', 'customer', 'app'],
};

let fake: AtlassianFake;
afterEach(() => fake?.close());

const ADA = 'ada.lovelace@example.com';
const GRACE = 'grace@example.com';

async function everyRequestKind(): Promise<readonly FakeRequest[]> {
  fake = await startAtlassianFake({
    accounts: [
      { email: ADA, directories: { eng: 'active', sales: 'suspended' } },
      { email: GRACE, managed: false },
    ],
  });
  const left = await runHandler(atlassian, userEvent('user.deactivated'), fake.connectorConfig());
  await runHandler(atlassian, userEvent('user.reactivated'), fake.connectorConfig(), {
    ...(left.restoreState ? { restoreState: left.restoreState } : {}),
  });
  await runHandler(
    atlassian,
    userEvent('user.deleted', { userName: GRACE, emails: [] }),
    fake.connectorConfig({ leaverAction: 'remove' }),
  );
  return fake.requests;
}

const body = (request: FakeRequest) => JSON.parse(request.body || '{}') as Record<string, unknown>;

describe('Atlassian connector and fake, against the Organizations and User management APIs', () => {
  it('calls only documented operations', async () => {
    const calls = await everyRequestKind();
    expect(new Set(calls.map((request) => request.url.pathname.split('/').pop())).size).toBeGreaterThan(4);
    expect(undocumented(OPERATIONS, calls, '')).toEqual([]);
  });

  it('searches with documented fields only, leaving the page size to its documented default', async () => {
    const searches = (await everyRequestKind()).filter((request) =>
      request.url.pathname.endsWith('/users/search'),
    );
    expect(searches.length).toBeGreaterThan(0);
    for (const search of searches) {
      expect(Object.keys(body(search)).filter((field) => !SEARCH_FIELDS.includes(field))).toEqual([]);
      expect(body(search).limit).toBeUndefined();
    }
  });

  it('answers with documented user fields and values', async () => {
    await everyRequestKind();
    const headers = {
      authorization: fake.requests[0]?.headers.authorization ?? '',
      'content-type': 'application/json',
    };
    const base = `${fake.url}/admin/v2/orgs/${fake.organizationId}`;
    const page = (await (
      await fetch(`${base}/directories/-/users/search`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ emails: [ADA] }),
      })
    ).json()) as { data: Record<string, unknown>[]; links: Record<string, unknown> };
    const account = page.data[0] ?? {};
    const details = (await (
      await fetch(`${base}/directories/eng/users/${account.accountId}`, { headers })
    ).json()) as {
      data: Record<string, unknown>;
    };
    for (const user of [account, details.data]) {
      expect(Object.keys(user).filter((field) => !USER_FIELDS.includes(field))).toEqual([]);
      for (const [field, values] of Object.entries(ENUMS))
        if (field in user)
          expect({ field, value: values.includes(String(user[field])) }).toEqual({ field, value: true });
    }
    expect(Object.keys(page.links).sort()).toEqual(['next', 'self']);
  });
});
