/**
 * A local Atlassian organization admin API (v2) for the Atlassian connector: the directory user
 * search (exact `emails` filter, cursor pagination through `links.next`, 50 users a page unless
 * `limit` says otherwise), a user's details in one directory, the directories of an account, and
 * suspend / restore / remove a user in a directory; and the user management API's account
 * lifecycle (disable / enable a managed account), with the organization API key as a bearer token
 * and Atlassian's error bodies (`errors[]` with ADMIN-UAM codes).
 * Docs: https://developer.atlassian.com/cloud/admin/organization/rest/api-group-users/ and
 * https://developer.atlassian.com/cloud/admin/user-management/rest/api-group-lifecycle/
 */
import { randomBytes } from 'node:crypto';
import { type FakeReply, type FakeVendor, jsonBody, matchPath, startFakeServer } from './fake-server.ts';

export interface AtlassianFakeAccount {
  readonly accountId: string;
  readonly email: string;
  readonly name: string;
  /** Directory id → the account's access there. */
  readonly directories: Map<string, 'active' | 'suspended'>;
  /** A managed account (its domain is verified by the organization) can be disabled. */
  readonly managed: boolean;
  /** `inactive` once disabled: no login to any Atlassian service, API tokens refused. */
  accountStatus: 'active' | 'inactive';
}

export interface AtlassianFakeOptions {
  readonly port?: number;
  readonly organizationId?: string;
  /** Accounts by email, with the directories they are in (default: the one directory, active). */
  readonly accounts?: readonly {
    email: string;
    directories?: Record<string, 'active' | 'suspended'>;
    managed?: boolean;
    accountStatus?: 'active' | 'inactive';
  }[];
  /** The most users a search page holds, whatever `limit` asks. */
  readonly pageSize?: number;
  /** Every email searched has an account, active in the default directory (`npm start`). */
  readonly accountsForEveryone?: boolean;
}

export interface AtlassianFake extends FakeVendor {
  readonly organizationId: string;
  /** The directory of an organization on centralized user management. */
  readonly defaultDirectoryId: string;
  readonly accounts: Map<string, AtlassianFakeAccount>;
  byEmail(email: string): AtlassianFakeAccount | undefined;
  connectorConfig(extra?: Record<string, unknown>): {
    settings: Record<string, unknown>;
    secrets: { apiKey: string };
  };
}

const problem = (status: number, code: string, title: string, detail?: string): FakeReply => ({
  status,
  body: {
    errors: [
      {
        id: randomBytes(8).toString('hex'),
        status: String(status),
        code,
        title,
        ...(detail ? { detail } : {}),
      },
    ],
  },
});

type AccessState = 'active' | 'suspended' | 'no_membership';

export async function startAtlassianFake(options: AtlassianFakeOptions = {}): Promise<AtlassianFake> {
  const organizationId = options.organizationId ?? randomBytes(8).toString('hex');
  const defaultDirectoryId = randomBytes(8).toString('hex');
  const apiKey = `ATCTT3xFfGN0${randomBytes(16).toString('base64url')}`;
  const accounts = new Map<string, AtlassianFakeAccount>();
  const add = (account: {
    email: string;
    directories?: Record<string, 'active' | 'suspended'>;
    managed?: boolean;
    accountStatus?: 'active' | 'inactive';
  }) => {
    const accountId = `712020:${randomBytes(8).toString('hex')}`;
    const directories = new Map<string, 'active' | 'suspended'>(
      Object.entries(account.directories ?? { [defaultDirectoryId]: 'active' }),
    );
    accounts.set(accountId, {
      accountId,
      email: account.email,
      name: account.email.split('@')[0] ?? '',
      directories,
      managed: account.managed ?? true,
      accountStatus: account.accountStatus ?? 'active',
    });
  };
  for (const account of options.accounts ?? []) add(account);
  const byEmail = (email: string) =>
    [...accounts.values()].find((account) => account.email.toLowerCase() === email.toLowerCase());
  const membershipStatus = (account: AtlassianFakeAccount): AccessState => {
    const states = [...account.directories.values()];
    if (states.length === 0) return 'no_membership';
    return states.includes('active') ? 'active' : 'suspended';
  };

  const fake = await startFakeServer(
    (request) => {
      if (request.headers.authorization !== `Bearer ${apiKey}`) {
        return problem(401, 'ADMIN-UAM-401-1', 'Unauthenticated', 'The API key is invalid or expired');
      }
      const path = request.url.pathname;
      // Account lifecycle (user management API): POST /users/{account_id}/manage/lifecycle/disable
      // blocks the managed account's login to every Atlassian service; enable undoes it. 204.
      // "You can only delete or deactivate managed accounts."
      const lifecycle = matchPath('/users/:accountId/manage/lifecycle/:action', path);
      if (lifecycle && request.method === 'POST') {
        const account = accounts.get(lifecycle.accountId ?? '');
        if (!account) return problem(404, 'ADMIN-UAM-404-1', 'Unknown Resource', 'No such account');
        if (!account.managed)
          return problem(
            403,
            'ADMIN-UAM-403-1',
            'Forbidden',
            'The account is not managed by this organization',
          );
        if (lifecycle.action === 'disable') account.accountStatus = 'inactive';
        else if (lifecycle.action === 'enable') account.accountStatus = 'active';
        else return problem(404, 'ADMIN-UAM-404-1', 'Unknown Resource');
        return { status: 204 };
      }
      const prefix = `/admin/v2/orgs/${organizationId}`;
      if (!path.startsWith(`${prefix}/`) && path !== prefix)
        return problem(404, 'ADMIN-UAM-404-2', 'Organization not found');
      const rest = path.slice(prefix.length);

      const search = matchPath('/directories/:directoryId/users/search', rest);
      if (search && request.method === 'POST') {
        const body = (jsonBody(request) ?? {}) as { emails?: string[]; limit?: number; cursor?: string };
        const wanted = new Set((body.emails ?? []).map((email) => email.toLowerCase()));
        if (options.accountsForEveryone)
          for (const email of body.emails ?? []) if (!byEmail(email)) add({ email });
        const matches = [...accounts.values()].filter(
          (account) =>
            (wanted.size === 0 || wanted.has(account.email.toLowerCase())) &&
            (search.directoryId === '-' || account.directories.has(search.directoryId ?? '')),
        );
        // "The number of results to return per page. Defaults to 50."
        const size = Math.min(body.limit ?? 50, options.pageSize ?? 100);
        const offset = body.cursor ? Number(Buffer.from(body.cursor, 'base64url').toString()) : 0;
        const next =
          offset + size < matches.length
            ? Buffer.from(String(offset + size)).toString('base64url')
            : undefined;
        return {
          status: 200,
          body: {
            data: matches.slice(offset, offset + size).map((account) => ({
              accountId: account.accountId,
              accountType: 'atlassian',
              accountStatus: account.accountStatus,
              claimStatus: account.managed ? 'managed' : 'unmanaged',
              membershipStatus: membershipStatus(account),
              name: account.name,
              email: account.email,
            })),
            links: { self: body.cursor ?? null, next: next ?? null },
          },
        };
      }
      if (rest === '/directories' && request.method === 'GET') {
        const account = accounts.get(request.url.searchParams.get('accountId') ?? '');
        const ids = account ? [...account.directories.keys()] : [defaultDirectoryId];
        return {
          status: 200,
          body: {
            data: ids.map((directoryId) => ({ directoryId, name: `Directory ${directoryId}` })),
            links: {},
          },
        };
      }
      // Get a user's details in a directory: {data: {membershipStatus, ...}}; 404 when not in it.
      const details = matchPath('/directories/:directoryId/users/:accountId', rest);
      if (details && request.method === 'GET') {
        const account = accounts.get(details.accountId ?? '');
        const state = account?.directories.get(details.directoryId ?? '');
        if (!account || !state)
          return problem(404, 'ADMIN-UAM-404-1', 'Unknown Resource', 'The user is not in this directory');
        return {
          status: 200,
          body: {
            data: {
              accountId: account.accountId,
              accountType: 'atlassian',
              accountStatus: account.accountStatus,
              membershipStatus: state,
              claimStatus: account.managed ? 'managed' : 'unmanaged',
              name: account.name,
              email: account.email,
            },
          },
        };
      }
      const action = matchPath('/directories/:directoryId/users/:accountId/:action', rest);
      const removal =
        request.method === 'DELETE'
          ? matchPath('/directories/:directoryId/users/:accountId', rest)
          : undefined;
      const target = action ?? removal;
      if (target && (removal || request.method === 'POST')) {
        const account = accounts.get(target.accountId ?? '');
        const directoryId = target.directoryId ?? '';
        if (!account?.directories.has(directoryId)) {
          return problem(404, 'ADMIN-UAM-404-1', 'Unknown Resource', 'The user is not in this directory');
        }
        if (removal) account.directories.delete(directoryId);
        else if (action?.action === 'suspend') account.directories.set(directoryId, 'suspended');
        else if (action?.action === 'restore') account.directories.set(directoryId, 'active');
        else return problem(404, 'ADMIN-UAM-404-1', 'Unknown Resource');
        return { status: 204 };
      }
      return problem(404, 'ADMIN-UAM-404-1', 'Unknown Resource');
    },
    {
      port: options.port,
      errorBody: (status) =>
        problem(
          status,
          `ADMIN-UAM-${status}-1`,
          status === 429 ? 'Too Many Requests' : status >= 500 ? 'Internal Error' : 'Error',
        ).body,
      headers: () => ({ 'atl-traceid': randomBytes(8).toString('hex') }),
    },
  );

  return Object.assign(fake, {
    organizationId,
    defaultDirectoryId,
    accounts,
    byEmail,
    connectorConfig: (extra: Record<string, unknown> = {}) => ({
      settings: { organizationId, apiBaseUrl: fake.url, ...extra },
      secrets: { apiKey },
    }),
  });
}
