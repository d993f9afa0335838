/**
 * Contract: the Zoom connector and its fake against Zoom's own SDK, @zoom/rivet (a dev dependency;
 * see the README). Rivet ships Zoom's operations as typed endpoint maps (a method and a URL builder
 * per operation, with TypeScript request and response types), not as OpenAPI or JSON Schema, so:
 * - every request the connector makes is one of rivet's operations (method and path);
 * - each of those requests equals what rivet's typed client sends for the same operation (path,
 *   body, query), with the body and query checked by tsc against rivet's request types;
 * - the fake's answers are checked against rivet's response types as far as a type allows at run
 *   time: every field the fake sends is a field of the type, and enums hold documented values.
 *   There is no schema to validate against, so nothing checks a field's absence or format.
 */
import {
  AccountsEndpoints,
  type RolesAssignRoleRequestBody,
  type RolesAssignRoleResponse,
} from '@zoom/rivet/accounts';
import {
  type UsersDeleteUserQueryParams,
  UsersEndpoints,
  type UsersGetUserResponse,
  type UsersUpdateUserRequestBody,
  type UsersUpdateUserStatusRequestBody,
} from '@zoom/rivet/users';
import { afterEach, describe, expect, it } from 'vitest';
import zoom from '../../functions/connectors/zoom/connector.ts';
import type { FakeRequest } from '../../local/fakes/fake-server.ts';
import { startZoomFake, ZOOM_SSO_LOGIN, type ZoomFake } from '../../local/fakes/zoom.ts';
import { runHandler, userEvent } from '../support/connector-harness.ts';
import { apiCalls, type DocumentedOperation, undocumented } from './support/vendors-operations.ts';

interface SentByRivet {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly query: unknown;
}
type MakeRequest = (...args: unknown[]) => Promise<unknown>;

/** Rivet's endpoints with the HTTP call replaced by a recorder: what rivet would send, unsent. */
function recorded<T extends object>(endpoints: T): { endpoints: T; sent: SentByRivet[] } {
  const sent: SentByRivet[] = [];
  const makeRequest: MakeRequest = async (method, _base, path, _mime, body, query) => {
    sent.push({
      method: String(method),
      path: String(path),
      body: body ?? undefined,
      query: query ?? undefined,
    });
    return { data: undefined, statusCode: 204 };
  };
  Object.assign(endpoints, { makeRequest });
  return { endpoints, sent };
}

const users = recorded(new UsersEndpoints({} as ConstructorParameters<typeof UsersEndpoints>[0]));
const accounts = recorded(new AccountsEndpoints({} as ConstructorParameters<typeof AccountsEndpoints>[0]));

/** Every users and roles operation rivet knows, as method and path template. */
async function rivetOperations(): Promise<DocumentedOperation[]> {
  const placeholders = new Proxy(
    {},
    { get: (_target, key) => (typeof key === 'string' ? `{${key}}` : undefined) },
  );
  const operations: DocumentedOperation[] = [];
  for (const [module, { endpoints, sent }] of [
    ['@zoom/rivet/users', users],
    ['@zoom/rivet/accounts', accounts],
  ] as const) {
    for (const [sectionName, section] of Object.entries(endpoints)) {
      if (sectionName === 'options' || typeof section !== 'object' || section === null) continue;
      for (const [name, call] of Object.entries(section as Record<string, unknown>)) {
        if (typeof call !== 'function') continue;
        sent.length = 0;
        await call({ path: placeholders });
        const request = sent[0];
        if (request)
          operations.push({
            method: request.method,
            path: request.path,
            source: `${module} ${sectionName}.${name}`,
          });
      }
    }
  }
  return operations;
}

let fake: ZoomFake;
afterEach(() => fake?.close());

const ADA = 'ada.lovelace@example.com';
const GRACE = 'grace.hopper@example.com';
const LIN = 'lin.chen@example.com';

/** An SSO admin leaves, a pending invitee leaves, a licensed user comes back. */
async function everyRequestKind(): Promise<readonly FakeRequest[]> {
  fake = await startZoomFake({
    accounts: [
      { email: ADA, role_id: '1', login_types: [ZOOM_SSO_LOGIN] },
      { email: GRACE, status: 'pending' },
      { email: LIN, status: 'inactive', type: 1 },
    ],
  });
  const config = fake.connectorConfig();
  await runHandler(zoom, userEvent('user.deactivated'), config);
  await runHandler(zoom, userEvent('user.deactivated', { userName: GRACE, emails: [] }), config);
  await runHandler(zoom, userEvent('user.reactivated', { userName: LIN, emails: [] }), config, {
    restoreState: { type: '2' },
  });
  return apiCalls(fake.requests, '/oauth/token');
}

/** A recorded request as rivet would have built it: path after /v2, decoded; JSON body; query. */
function asRivetSees(request: FakeRequest | undefined): SentByRivet {
  const query = Object.fromEntries(request?.url.searchParams ?? []);
  return {
    method: request?.method ?? '',
    path: decodeURIComponent(request?.url.pathname.replace(/^\/v2/, '') ?? ''),
    body: request?.body ? JSON.parse(request.body) : undefined,
    query: Object.keys(query).length > 0 ? query : undefined,
  };
}

describe('Zoom connector and fake, against @zoom/rivet', () => {
  it('makes only requests that are Zoom operations', async () => {
    const operations = await rivetOperations();
    expect(operations.length).toBeGreaterThan(50);
    const calls = await everyRequestKind();
    expect(calls.length).toBeGreaterThanOrEqual(9);
    expect(undocumented(operations, calls, '/v2')).toEqual([]);
  });

  it('sends what rivet sends for each operation it uses, body and query typed by rivet', async () => {
    const calls = await everyRequestKind();
    const idOf = (email: string) => fake.byEmail(email)?.id ?? '';
    const deactivate: UsersUpdateUserStatusRequestBody = { action: 'deactivate' };
    const activate: UsersUpdateUserStatusRequestBody = { action: 'activate' };
    const member: RolesAssignRoleRequestBody = { members: [{ id: idOf(ADA) }] };
    const disassociate: UsersDeleteUserQueryParams = { action: 'disassociate' };
    const licensed: UsersUpdateUserRequestBody = { type: 2 };
    users.sent.length = 0;
    accounts.sent.length = 0;
    const expected: (() => Promise<unknown>)[] = [
      () => users.endpoints.users.getUser({ path: { userId: ADA } }),
      () => users.endpoints.users.revokeUsersSSOToken({ path: { userId: idOf(ADA) } }),
      () => accounts.endpoints.roles.assignRole({ path: { roleId: '2' }, body: member }),
      () => users.endpoints.users.updateUserStatus({ path: { userId: idOf(ADA) }, body: deactivate }),
      () => users.endpoints.users.getUser({ path: { userId: GRACE } }),
      // The pending user is deleted, so its id is read from the request the connector made.
      () =>
        users.endpoints.users.deleteUser({
          path: { userId: asRivetSees(calls[5]).path.split('/')[2] ?? '' },
          query: disassociate,
        }),
      () => users.endpoints.users.getUser({ path: { userId: LIN } }),
      () => users.endpoints.users.updateUserStatus({ path: { userId: idOf(LIN) }, body: activate }),
      () => users.endpoints.users.updateUser({ path: { userId: idOf(LIN) }, body: licensed }),
    ];
    const byRivet: SentByRivet[] = [];
    for (const call of expected) {
      await call();
      byRivet.push(...users.sent.splice(0), ...accounts.sent.splice(0));
    }
    expect(calls.map(asRivetSees)).toEqual(byRivet);
  });

  it("answers with fields and values of rivet's response types", async () => {
    fake = await startZoomFake({ accounts: [{ email: ADA, role_id: '1', login_types: [ZOOM_SSO_LOGIN] }] });
    // tsc checks these lists against rivet's types; the test checks the fake stays within them.
    const userFields = [
      'id',
      'email',
      'status',
      'type',
      'role_id',
      'role_name',
      'login_types',
      'account_id',
    ] as const satisfies readonly (keyof UsersGetUserResponse)[];
    const statuses = [
      'pending',
      'active',
      'inactive',
    ] as const satisfies readonly UsersGetUserResponse['status'][];
    const types = [1, 2, 4, 99] as const satisfies readonly UsersGetUserResponse['type'][];
    const roleFields = ['ids', 'add_at'] as const satisfies readonly (keyof RolesAssignRoleResponse)[];

    await runHandler(zoom, userEvent('user.deactivated'), fake.connectorConfig());
    const bearer = { authorization: `Bearer ${await latestToken()}` };
    const got = await fetch(`${fake.url}/v2/users/${encodeURIComponent(ADA)}`, { headers: bearer });
    const user = (await got.json()) as Record<string, unknown>;
    expect(Object.keys(user).filter((key) => !(userFields as readonly string[]).includes(key))).toEqual([]);
    expect(statuses).toContain(user.status);
    expect(types).toContain(user.type);
    expect((user.login_types as unknown[]).every((type) => typeof type === 'number')).toBe(true);

    const assigned = await fetch(`${fake.url}/v2/roles/2/members`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ members: [{ id: user.id }] }),
    });
    expect(assigned.status).toBe(201);
    expect(Object.keys((await assigned.json()) as object).sort()).toEqual([...roleFields].sort());
  });
});

/** A fresh access token from the fake's token endpoint, as the connector gets one. */
async function latestToken(): Promise<string> {
  const { settings, secrets } = fake.connectorConfig();
  const response = await fetch(settings.tokenUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${secrets.clientId}:${secrets.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'account_credentials',
      account_id: secrets.accountId,
    }).toString(),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
