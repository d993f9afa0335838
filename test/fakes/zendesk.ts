/**
 * A local Zendesk Support for the Zendesk connector: the users search API with Zendesk's offset
 * pagination (`page`, `per_page`, absolute `next_page` URLs) and its partial matching, user
 * updates (suspend and unsuspend), API token (`{email}/token:{token}` in HTTP Basic) and OAuth
 * bearer auth, and Zendesk's error bodies ("Couldn't authenticate you", RecordNotFound).
 * Docs: https://developer.zendesk.com/api-reference/ticketing/users/users/#search-users and
 * https://developer.zendesk.com/api-reference/ticketing/users/users/#update-user
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type FakeReply, type FakeVendor, jsonBody, matchPath, startFakeServer } from './fake-server.ts';

export interface ZendeskFakeUser {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  suspended: boolean;
}

export interface ZendeskFakeOptions {
  readonly port?: number;
  readonly users?: readonly { email: string; name?: string; suspended?: boolean }[];
  /** The most results a search page holds, whatever per_page asks (Zendesk: 100). */
  readonly pageSize?: number;
  /** Every email searched has a user (`npm start`, where the directory's users are not known in advance). */
  readonly accountsForEveryone?: boolean;
}

export interface ZendeskFake extends FakeVendor {
  readonly users: Map<number, ZendeskFakeUser>;
  byEmail(email: string): ZendeskFakeUser | undefined;
  connectorConfig(auth?: 'apiToken' | 'oauth'): {
    settings: { url: string };
    secrets: { email: string; apiToken: string } | { oauthToken: string };
  };
}

const notAuthenticated: FakeReply = { status: 401, body: { error: "Couldn't authenticate you" } };
const recordNotFound: FakeReply = {
  status: 404,
  body: { error: 'RecordNotFound', description: 'Not found' },
};

export async function startZendeskFake(options: ZendeskFakeOptions = {}): Promise<ZendeskFake> {
  const admin = { email: 'admin@example.com', apiToken: randomBytes(20).toString('base64url') };
  const oauthToken = randomBytes(32).toString('hex');
  const users = new Map<number, ZendeskFakeUser>();
  let nextId = 361_000_000_001;
  const add = (user: { email: string; name?: string; suspended?: boolean }) => {
    const id = nextId++;
    users.set(id, {
      id,
      name: user.name ?? user.email.split('@')[0] ?? '',
      email: user.email,
      suspended: user.suspended ?? false,
    });
  };
  for (const user of options.users ?? []) add(user);
  const byEmail = (email: string) =>
    [...users.values()].find((user) => user.email.toLowerCase() === email.toLowerCase());
  const basic = `Basic ${Buffer.from(`${admin.email}/token:${admin.apiToken}`).toString('base64')}`;

  const fake = await startFakeServer(
    (request) => {
      const authorization = request.headers.authorization;
      if (authorization !== basic && authorization !== `Bearer ${oauthToken}`) return notAuthenticated;
      const path = request.url.pathname.replace(/\.json$/, '');
      if (path === '/api/v2/users/search' && request.method === 'GET')
        return search(request.url.searchParams);
      const single = matchPath('/api/v2/users/:id', path);
      if (single && request.method === 'PUT') {
        const user = users.get(Number(single.id));
        if (!user) return recordNotFound;
        const suspended = (jsonBody(request) as { user?: { suspended?: unknown } } | undefined)?.user
          ?.suspended;
        if (typeof suspended === 'boolean') user.suspended = suspended;
        return { status: 200, body: { user: { ...user, url: `${fake.url}/api/v2/users/${user.id}.json` } } };
      }
      return { status: 404, body: { error: 'InvalidEndpoint', description: 'Not found' } };
    },
    {
      port: options.port,
      errorBody: (status) =>
        status === 429
          ? { error: 'TooManyRequests', description: 'You have exceeded the rate limit' }
          : { error: status >= 500 ? 'InternalServerError' : 'Error', description: `status ${status}` },
      headers: () => ({ 'x-zendesk-request-id': randomUUID().replace(/-/g, '').slice(0, 20) }),
    },
  );

  /** `email:value` matches addresses containing value; anything else matches names or addresses. */
  function search(params: URLSearchParams): FakeReply {
    const query = (params.get('query') ?? '').trim();
    const email = /^email:"?([^"]*)"?$/i.exec(query)?.[1]?.toLowerCase();
    if (email && options.accountsForEveryone && !byEmail(email)) add({ email });
    const matches = [...users.values()].filter((user) =>
      email !== undefined
        ? user.email.toLowerCase().includes(email)
        : `${user.name} ${user.email}`.toLowerCase().includes(query.toLowerCase()),
    );
    const perPage = Math.min(Number(params.get('per_page') ?? 100), options.pageSize ?? 100);
    const page = Math.max(1, Number(params.get('page') ?? 1));
    const slice = matches.slice((page - 1) * perPage, page * perPage);
    const link = (to: number) => {
      const next = new URL(`${fake.url}/api/v2/users/search.json`);
      next.searchParams.set('query', query);
      next.searchParams.set('page', String(to));
      next.searchParams.set('per_page', String(perPage));
      return next.toString();
    };
    return {
      status: 200,
      body: {
        users: slice,
        next_page: page * perPage < matches.length ? link(page + 1) : null,
        previous_page: page > 1 ? link(page - 1) : null,
        count: matches.length,
      },
    };
  }

  return Object.assign(fake, {
    users,
    byEmail,
    connectorConfig: (auth: 'apiToken' | 'oauth' = 'apiToken') => ({
      settings: { url: fake.url },
      secrets: auth === 'oauth' ? { oauthToken } : { ...admin },
    }),
  });
}
