/**
 * A local Zoom for the Zoom connector: the Server-to-Server OAuth token endpoint
 * (account_credentials grant, client id and secret in HTTP Basic) and the users and roles API it
 * calls, with Zoom's error bodies (`code` 124 invalid token, 1001 user does not exist, 300
 * validation) and its x-zm-trackingid header. What each route does follows Zoom's API reference
 * (and the types of Zoom's own SDK, @zoom/rivet); the source is named at each route.
 *
 * What the account keeps per user is what Zoom documents: a status (`pending` until an invitation
 * is accepted), a user type (1 Basic, 2 Licensed: the licence), a role (`0` Owner, `1` Admin, `2`
 * Member), login types (101 = SSO) and, here, whether a live session is signed in.
 * Docs: https://developers.zoom.us/docs/internal-apps/s2s-oauth/ and
 * https://developers.zoom.us/docs/api/users/
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type FakeReply,
  type FakeRequest,
  type FakeVendor,
  jsonBody,
  matchPath,
  startFakeServer,
} from './fake-server.ts';
import { clientCredentials, FakeTokens } from './oauth-tokens.ts';

/** Zoom's login type for single sign-on (Get a user: `login_types`). */
export const ZOOM_SSO_LOGIN = 101;
/** Zoom's login type for a work email and password. */
export const ZOOM_EMAIL_LOGIN = 100;

export interface ZoomFakeUser {
  readonly id: string;
  readonly email: string;
  status: 'active' | 'inactive' | 'pending';
  /** 1 Basic, 2 Licensed, 4 Unassigned without Meetings Basic, 99 None. */
  type: 1 | 2 | 4 | 99;
  /** `0` Owner, `1` Admin, `2` Member, or a custom role's id. */
  role_id: string;
  readonly login_types: readonly number[];
  /** A live session of the user (the fake's own bookkeeping: Zoom has no API that shows it). */
  signedIn: boolean;
}

export interface ZoomFakeOptions {
  readonly port?: number;
  /** Emails of the account's users (active Licensed Members unless listed below or described in `accounts`). */
  readonly users?: readonly string[];
  readonly inactive?: readonly string[];
  /** Users described field by field (an admin, a pending invitation, an SSO user...). */
  readonly accounts?: readonly (Partial<Omit<ZoomFakeUser, 'id'>> & { readonly email: string })[];
  readonly tokenTtlSeconds?: number;
  /** Every email looked up has an active user (`npm start`, where the directory's users are not known in advance). */
  readonly accountsForEveryone?: boolean;
}

export interface ZoomFake extends FakeVendor {
  /** The account's users by id: tests read their status. */
  readonly users: Map<string, ZoomFakeUser>;
  readonly tokens: FakeTokens;
  byEmail(email: string): ZoomFakeUser | undefined;
  connectorConfig(): {
    settings: { apiBaseUrl: string; tokenUrl: string };
    secrets: { accountId: string; clientId: string; clientSecret: string };
  };
}

const ROLE_NAMES: Record<string, string> = { '0': 'Owner', '1': 'Admin', '2': 'Member' };

export async function startZoomFake(options: ZoomFakeOptions = {}): Promise<ZoomFake> {
  const secrets = {
    accountId: `acc_${randomBytes(6).toString('hex')}`,
    clientId: `cid_${randomBytes(6).toString('hex')}`,
    clientSecret: randomBytes(16).toString('hex'),
  };
  const tokens = new FakeTokens();
  const users = new Map<string, ZoomFakeUser>();
  const byEmail = (email: string) =>
    [...users.values()].find((user) => user.email.toLowerCase() === email.toLowerCase());
  const add = (email: string, fields: Partial<Omit<ZoomFakeUser, 'id' | 'email'>> = {}) => {
    const id = randomBytes(11).toString('base64url');
    users.set(id, {
      id,
      email,
      status: 'active',
      type: 2,
      role_id: '2',
      login_types: [ZOOM_EMAIL_LOGIN],
      signedIn: fields.status !== 'pending' && fields.status !== 'inactive',
      ...fields,
    });
  };
  const find = (idOrEmail: string): ZoomFakeUser | undefined => {
    const user = users.get(idOrEmail) ?? byEmail(idOrEmail);
    if (user || !options.accountsForEveryone || !idOrEmail.includes('@')) return user;
    add(idOrEmail);
    return byEmail(idOrEmail);
  };
  for (const email of options.users ?? []) add(email);
  for (const email of options.inactive ?? []) add(email, { status: 'inactive', type: 1 });
  for (const { email, ...fields } of options.accounts ?? []) add(email, fields);
  const unknownUser = (idOrEmail: string): FakeReply => ({
    status: 404,
    body: { code: 1001, message: `User does not exist: ${idOrEmail}.` },
  });

  const validation = (field: string): FakeReply => ({
    status: 400,
    body: { code: 300, message: 'Validation Failed.', errors: [{ field, message: 'Invalid field.' }] },
  });

  function usersApi(method: string, path: string, request: FakeRequest): FakeReply {
    // Update user status: PUT /users/{userId}/status {action}. "Deactivating a user will remove all
    // licenses associated with a user. It will prevent the deactivated user from logging into their
    // Zoom account." Reactivating lets them sign in again: it gives no licence back. Zoom refuses an
    // owner or an admin (make them a member first) and a pending user (not activated yet); the codes
    // of those refusals are not documented, so the fake answers 400, code 300, with a paraphrase.
    // https://developers.zoom.us/docs/api/users/#tag/users/PUT/users/{userId}/status
    const status = matchPath('/v2/users/:userId/status', path);
    if (status && method === 'PUT') {
      const user = find(status.userId ?? '');
      if (!user) return unknownUser(status.userId ?? '');
      const action = (jsonBody(request) as { action?: unknown } | undefined)?.action;
      if (action !== 'activate' && action !== 'deactivate') return validation('action');
      if (user.status === 'pending')
        return { status: 400, body: { code: 300, message: 'User is not activated yet.' } };
      if (action === 'deactivate' && user.role_id !== '2') {
        const role = ROLE_NAMES[user.role_id] ?? 'a custom role';
        return {
          status: 400,
          body: {
            code: 300,
            message: `Cannot deactivate a user with the ${role} role. Change the user's role to Member first.`,
          },
        };
      }
      if (action === 'deactivate') user.type = 1;
      user.status = action === 'activate' ? 'active' : 'inactive';
      return { status: 204 };
    }
    // Revoke a user's SSO token: DELETE /users/{userId}/token. "After calling this API, the SSO
    // user will be logged out of their current Zoom session." 204 Token deleted.
    // https://developers.zoom.us/docs/api/users/#tag/users/DELETE/users/{userId}/token
    const token = matchPath('/v2/users/:userId/token', path);
    if (token && method === 'DELETE') {
      const user = find(token.userId ?? '');
      if (!user) return unknownUser(token.userId ?? '');
      if (user.login_types.includes(ZOOM_SSO_LOGIN)) user.signedIn = false;
      return { status: 204 };
    }
    // Assign a role: POST /roles/{roleId}/members {members: [{id} | {email}]}: 201 {ids, add_at}.
    // A user has one role, so assigning Member (`2`) takes Admin away.
    // https://developers.zoom.us/docs/api/accounts/#tag/roles/POST/roles/{roleId}/members
    const members = matchPath('/v2/roles/:roleId/members', path);
    if (members && method === 'POST') {
      if (!['0', '1', '2'].includes(members.roleId ?? ''))
        return { status: 404, body: { code: 1001, message: 'Role does not exist.' } };
      if (members.roleId === '0') return validation('roleId');
      const wanted = (jsonBody(request) as { members?: { id?: string; email?: string }[] } | undefined)
        ?.members;
      if (!Array.isArray(wanted) || wanted.length === 0) return validation('members');
      const found = wanted.map((member) => find(member.id ?? member.email ?? ''));
      if (found.some((user) => !user))
        return unknownUser(wanted.map((member) => member.id ?? member.email).join(','));
      for (const user of found) if (user) user.role_id = members.roleId ?? '2';
      return {
        status: 201,
        body: { ids: found.map((user) => user?.id).join(','), add_at: new Date().toISOString() },
      };
    }
    const single = matchPath('/v2/users/:userId', path);
    if (single && method === 'GET') {
      // Get a user: the user id or the email; pending users too (status "pending").
      // https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId}
      const user = find(single.userId ?? '');
      if (!user) return unknownUser(single.userId ?? '');
      const { signedIn: _session, ...shown } = user;
      return {
        status: 200,
        body: { ...shown, role_name: ROLE_NAMES[user.role_id] ?? 'Custom', account_id: secrets.accountId },
      };
    }
    if (single && method === 'PATCH') {
      // Update a user: PATCH /users/{userId} {type, ...}: 204. Type 2 gives a licence back.
      // https://developers.zoom.us/docs/api/users/#tag/users/PATCH/users/{userId}
      const user = find(single.userId ?? '');
      if (!user) return unknownUser(single.userId ?? '');
      const type = (jsonBody(request) as { type?: unknown } | undefined)?.type;
      if (type !== undefined && type !== 1 && type !== 2 && type !== 4 && type !== 99)
        return validation('type');
      if (type !== undefined) user.type = type;
      return { status: 204 };
    }
    if (single && method === 'DELETE') {
      // Delete a user: DELETE /users/{userId}?action=disassociate|delete. "To delete pending user
      // in the account, use disassociate": the invitation can no longer be accepted.
      // https://developers.zoom.us/docs/api/users/#tag/users/DELETE/users/{userId}
      const user = find(single.userId ?? '');
      if (!user) return unknownUser(single.userId ?? '');
      const action = request.url.searchParams.get('action') ?? 'disassociate';
      if (action !== 'disassociate' && action !== 'delete') return validation('action');
      users.delete(user.id);
      return { status: 204 };
    }
    return { status: 404, body: { code: 404, message: 'Not Found' } };
  }

  const fake = await startFakeServer(
    (request) => {
      const path = request.url.pathname;
      if (path === '/oauth/token') {
        if (request.method !== 'POST') return { status: 405 };
        // Zoom reads the grant from the query string or the form body.
        const form = new URLSearchParams(request.url.search);
        for (const [name, value] of new URLSearchParams(request.body)) form.set(name, value);
        const client = clientCredentials(request.headers.authorization, form);
        if (client.clientId !== secrets.clientId || client.clientSecret !== secrets.clientSecret) {
          return {
            status: 401,
            body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' },
          };
        }
        if (form.get('grant_type') !== 'account_credentials') {
          return { status: 400, body: { reason: 'unsupported grant type', error: 'unsupported_grant_type' } };
        }
        if (form.get('account_id') !== secrets.accountId) {
          return {
            status: 400,
            body: { reason: 'Invalid request : Invalid account_id', error: 'invalid_request' },
          };
        }
        const ttl = options.tokenTtlSeconds ?? 3600;
        return {
          status: 200,
          body: {
            access_token: tokens.issue(ttl),
            token_type: 'bearer',
            expires_in: ttl,
            scope: 'user:write:admin',
          },
        };
      }
      const token = tokens.check(request.headers.authorization);
      if (token !== 'valid') {
        return {
          status: 401,
          body: {
            code: 124,
            message: token === 'expired' ? 'Access token is expired.' : 'Invalid access token.',
          },
        };
      }
      return usersApi(request.method, path, request);
    },
    {
      port: options.port,
      errorBody: (status) =>
        status === 429
          ? {
              code: 429,
              message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
            }
          : { code: status, message: status >= 500 ? 'Internal Error' : 'Error' },
      // Rate limit headers: https://developers.zoom.us/docs/api/rate-limits/
      headers: () => ({
        'x-zm-trackingid': `v=2.0;clid=us06;rid=${randomUUID()}`,
        'x-ratelimit-category': 'Light',
        'x-ratelimit-type': 'QPS',
      }),
    },
  );

  return Object.assign(fake, {
    users,
    tokens,
    byEmail,
    connectorConfig: () => ({
      settings: { apiBaseUrl: `${fake.url}/v2`, tokenUrl: `${fake.url}/oauth/token` },
      secrets: { ...secrets },
    }),
  });
}
