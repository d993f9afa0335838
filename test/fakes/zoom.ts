/**
 * A local Zoom for the Zoom connector: the Server-to-Server OAuth token endpoint
 * (account_credentials grant, client id and secret in HTTP Basic) and the users API it calls
 * (get a user by id or email, update a user's status), with Zoom's error bodies (`code` 124
 * invalid token, 1001 user does not exist, 300 validation) and its x-zm-trackingid header.
 * Docs: https://developers.zoom.us/docs/internal-apps/s2s-oauth/ and
 * https://developers.zoom.us/docs/api/users/#tag/users/PUT/users/{userId}/status
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type FakeReply, type FakeVendor, jsonBody, matchPath, startFakeServer } from './fake-server.ts';
import { clientCredentials, FakeTokens } from './oauth-tokens.ts';

export interface ZoomFakeUser {
  readonly id: string;
  readonly email: string;
  status: 'active' | 'inactive' | 'pending';
}

export interface ZoomFakeOptions {
  readonly port?: number;
  /** Emails of the account's users (active unless listed in `inactive`). */
  readonly users?: readonly string[];
  readonly inactive?: readonly string[];
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
  const add = (email: string, status: ZoomFakeUser['status']) => {
    const id = randomBytes(11).toString('base64url');
    users.set(id, { id, email, status });
  };
  const find = (idOrEmail: string): ZoomFakeUser | undefined => {
    const user = users.get(idOrEmail) ?? byEmail(idOrEmail);
    if (user || !options.accountsForEveryone || !idOrEmail.includes('@')) return user;
    add(idOrEmail, 'active');
    return byEmail(idOrEmail);
  };
  for (const email of options.users ?? []) add(email, 'active');
  for (const email of options.inactive ?? []) add(email, 'inactive');
  const unknownUser = (idOrEmail: string): FakeReply => ({
    status: 404,
    body: { code: 1001, message: `User does not exist: ${idOrEmail}.` },
  });

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
      const status = matchPath('/v2/users/:userId/status', path);
      if (status && request.method === 'PUT') {
        const user = find(status.userId ?? '');
        if (!user) return unknownUser(status.userId ?? '');
        const action = (jsonBody(request) as { action?: unknown } | undefined)?.action;
        if (action !== 'activate' && action !== 'deactivate') {
          return {
            status: 400,
            body: {
              code: 300,
              message: 'Validation Failed.',
              errors: [{ field: 'action', message: 'Invalid field.' }],
            },
          };
        }
        user.status = action === 'activate' ? 'active' : 'inactive';
        return { status: 204 };
      }
      const single = matchPath('/v2/users/:userId', path);
      if (single && request.method === 'GET') {
        const user = find(single.userId ?? '');
        return user
          ? { status: 200, body: { ...user, type: 2, account_id: secrets.accountId } }
          : unknownUser(single.userId ?? '');
      }
      return { status: 404, body: { code: 404, message: 'Not Found' } };
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
      headers: () => ({ 'x-zm-trackingid': `v=2.0;clid=us06;rid=${randomUUID()}` }),
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
