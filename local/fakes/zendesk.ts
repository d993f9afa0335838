/**
 * A local Zendesk Support for the Zendesk connector, following Zendesk's documented contract:
 * the users search with its partial matching over every email identity, its offset pagination
 * (100 a page by default and at most, absolute `next_page` URLs, a `count`) and its result
 * limit; user identities; user updates (suspend, role); per-user session deletion; API token
 * (`{email}/token:{token}` in HTTP Basic) and OAuth bearer auth; Zendesk's error bodies and its
 * rate-limit headers. Each route names its page of the reference.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type FakeReply, type FakeVendor, jsonBody, matchPath, startFakeServer } from './fake-server.ts';

export type ZendeskRole = 'end-user' | 'agent' | 'admin';

export interface ZendeskFakeUser {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  /** Email identities besides the primary one. */
  readonly secondaryEmails: readonly string[];
  role: ZendeskRole;
  suspended: boolean;
  /** Live sign-in sessions; ended by the sessions API. */
  sessions: number;
}

export interface ZendeskFakeOptions {
  readonly port?: number;
  readonly users?: readonly {
    email: string;
    name?: string;
    suspended?: boolean;
    role?: ZendeskRole;
    secondaryEmails?: readonly string[];
  }[];
  /** The most results a search page holds, whatever per_page asks (Zendesk: 100). */
  readonly pageSize?: number;
  /** The most results one search returns across its pages (Zendesk's users search: 10,000). */
  readonly resultLimit?: number;
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
const CREATED = '2025-06-01T09:00:00Z';

export async function startZendeskFake(options: ZendeskFakeOptions = {}): Promise<ZendeskFake> {
  const admin = { email: 'admin@example.com', apiToken: randomBytes(20).toString('base64url') };
  const oauthToken = randomBytes(32).toString('hex');
  const users = new Map<number, ZendeskFakeUser>();
  let nextId = 361_000_000_001;
  const add = (user: NonNullable<ZendeskFakeOptions['users']>[number]) => {
    const id = nextId++;
    users.set(id, {
      id,
      name: user.name ?? user.email.split('@')[0] ?? '',
      email: user.email,
      secondaryEmails: user.secondaryEmails ?? [],
      role: user.role ?? 'end-user',
      suspended: user.suspended ?? false,
      sessions: 1,
    });
  };
  for (const user of options.users ?? []) add(user);
  const addresses = (user: ZendeskFakeUser) =>
    [user.email, ...user.secondaryEmails].map((a) => a.toLowerCase());
  const byEmail = (email: string) =>
    [...users.values()].find((user) => addresses(user).includes(email.toLowerCase()));
  const basic = `Basic ${Buffer.from(`${admin.email}/token:${admin.apiToken}`).toString('base64')}`;
  let remaining = 700;

  const fake = await startFakeServer(
    (request) => {
      const authorization = request.headers.authorization;
      if (authorization !== basic && authorization !== `Bearer ${oauthToken}`) return notAuthenticated;
      const path = request.url.pathname.replace(/\.json$/, '');
      // https://developer.zendesk.com/api-reference/ticketing/users/users/#search-users
      if (path === '/api/v2/users/search' && request.method === 'GET')
        return search(request.url.searchParams);
      // https://developer.zendesk.com/api-reference/ticketing/users/user_identities/#list-identities
      const identities = matchPath('/api/v2/users/:id/identities', path);
      if (identities && request.method === 'GET') {
        const user = users.get(Number(identities.id));
        return user ? { status: 200, body: identityList(user) } : recordNotFound;
      }
      // https://developer.zendesk.com/api-reference/ticketing/account-configuration/sessions/#bulk-delete-sessions
      const sessions = matchPath('/api/v2/users/:id/sessions', path);
      if (sessions && request.method === 'DELETE') {
        const user = users.get(Number(sessions.id));
        if (!user) return recordNotFound;
        user.sessions = 0;
        return { status: 204 };
      }
      // https://developer.zendesk.com/api-reference/ticketing/users/users/#update-user
      const single = matchPath('/api/v2/users/:id', path);
      if (single && request.method === 'PUT') {
        const user = users.get(Number(single.id));
        if (!user) return recordNotFound;
        const changes = (jsonBody(request) as { user?: { suspended?: unknown; role?: unknown } } | undefined)
          ?.user;
        if (typeof changes?.suspended === 'boolean') user.suspended = changes.suspended;
        if (changes?.role === 'end-user' || changes?.role === 'agent' || changes?.role === 'admin') {
          user.role = changes.role;
        }
        return { status: 200, body: { user: userBody(user) } };
      }
      return { status: 404, body: { error: 'InvalidEndpoint', description: 'Not found' } };
    },
    {
      port: options.port,
      errorBody: (status) =>
        status === 429
          ? { error: 'TooManyRequests', description: 'You have exceeded the rate limit' }
          : { error: status >= 500 ? 'InternalServerError' : 'Error', description: `status ${status}` },
      // https://developer.zendesk.com/api-reference/introduction/rate-limits/
      headers: () => ({
        'x-zendesk-request-id': randomUUID().replace(/-/g, '').slice(0, 20),
        'x-rate-limit': '700',
        'x-rate-limit-remaining': String(Math.max(0, --remaining)),
      }),
    },
  );

  function userBody(user: ZendeskFakeUser) {
    return {
      id: user.id,
      url: `${fake.url}/api/v2/users/${user.id}.json`,
      name: user.name,
      email: user.email,
      created_at: CREATED,
      updated_at: CREATED,
      time_zone: 'London',
      iana_time_zone: 'Europe/London',
      phone: null,
      locale: 'en-US',
      locale_id: 1,
      organization_id: null,
      role: user.role,
      role_type: user.role === 'end-user' ? null : 0,
      verified: true,
      external_id: null,
      tags: [],
      active: true,
      suspended: user.suspended,
      last_login_at: CREATED,
      user_fields: {},
    };
  }

  function identityList(user: ZendeskFakeUser) {
    const list = [user.email, ...user.secondaryEmails].map((value, index) => ({
      url: `${fake.url}/api/v2/users/${user.id}/identities/${user.id * 10 + index}.json`,
      id: user.id * 10 + index,
      user_id: user.id,
      type: 'email',
      value,
      verified: true,
      primary: index === 0,
      created_at: CREATED,
      updated_at: CREATED,
      undeliverable_count: 0,
      deliverable_state: 'deliverable',
    }));
    return { identities: list, next_page: null, previous_page: null, count: list.length };
  }

  /** `email:value` matches users with an email identity containing value; anything else names or addresses. */
  function search(params: URLSearchParams): FakeReply {
    const query = (params.get('query') ?? '').trim();
    const email = /^email:"?([^"]*)"?$/i.exec(query)?.[1]?.toLowerCase();
    if (email && options.accountsForEveryone && !byEmail(email)) add({ email });
    const matches = [...users.values()].filter((user) =>
      email !== undefined
        ? addresses(user).some((address) => address.includes(email))
        : `${user.name} ${user.email}`.toLowerCase().includes(query.toLowerCase()),
    );
    const returned = matches.slice(0, options.resultLimit ?? 10_000);
    const perPage = Math.min(Number(params.get('per_page') ?? 100), options.pageSize ?? 100);
    const page = Math.max(1, Number(params.get('page') ?? 1));
    const slice = returned.slice((page - 1) * perPage, page * perPage);
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
        users: slice.map(userBody),
        next_page: page * perPage < returned.length ? link(page + 1) : null,
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
