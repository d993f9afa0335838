/**
 * Directory isolation over every SCIM route in shared/contracts/routes.ts: the list is iterated,
 * so a route added there is covered here without anyone remembering to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../shared/adapters/dynamodb/token-store.ts';
import { SCIM_BASE, type ScimRoute, scimRoutes } from '../../shared/contracts/routes.ts';
import {
  ERROR_SCHEMA,
  entraUser,
  GROUP_SCHEMA,
  PATCH_OP,
  startTestScim,
  type TestScim,
} from '../support/scim-client.ts';

/** Collections whose ids are fixed definitions, the same in every directory rather than data. */
const DEFINITIONS = new Set(['ServiceProviderConfig', 'ResourceTypes', 'Schemas']);
/** `POST /.search` at the root (RFC 7644 §3.4.3): answered 501 in every directory, holding no data. */
const ROOT_SEARCH = '.search';
/** A userName that exists in directory A only: filters in B must find nothing. */
const ONLY_IN_A = 'only-in-a@a.example';
/** A group displayName that exists in directory A only. */
const GROUP_ONLY_IN_A = 'Only in A';

let scim: TestScim;
const B = 'tenant-b';
let tokenB: string;
let userA: { id: string; userName: string; body: unknown };
let userB: { id: string };
let groupA: { id: string; displayName: string; body: unknown };
let groupB: { id: string };

beforeAll(async () => {
  scim = await startTestScim();
  await scim.runtime.directories.create(B, 'Tenant B');
  tokenB = generateToken();
  await scim.runtime.tokens.register(B, tokenB, { label: 'B' });
  const createdA = await scim.request('POST', '/Users', entraUser('ada@a.example'));
  userA = { id: createdA.body.id, userName: 'ada@a.example', body: createdA.body };
  await scim.request('POST', '/Users', entraUser(ONLY_IN_A));
  userB = (await call(B, tokenB, 'POST', '/Users', entraUser('bob@b.example'))).body;
  const createdGroupA = await scim.request('POST', '/Groups', {
    schemas: [GROUP_SCHEMA],
    displayName: 'Engineering',
    members: [{ value: userA.id }],
  });
  groupA = { id: createdGroupA.body.id, displayName: 'Engineering', body: createdGroupA.body };
  await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: GROUP_ONLY_IN_A });
  groupB = (await call(B, tokenB, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Sales' })).body;
  // As A's user now reads: a member of A's group.
  userA.body = (await scim.request('GET', `/Users/${userA.id}`)).body;
  expect(userA.body).toMatchObject({ groups: [{ value: groupA.id }] });
});
afterAll(async () => {
  // Nothing any request in B did touched A's user or group, nor A's memberships.
  expect((await scim.request('GET', `/Users/${userA.id}`)).body).toEqual(userA.body);
  expect((await scim.request('GET', `/Groups/${groupA.id}`)).body).toEqual(groupA.body);
  await scim.close();
});

async function call(directoryId: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${scim.runtime.url}/${directoryId}/scim/v2${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/scim+json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const collectionOf = (route: ScimRoute) => route.resource.slice(SCIM_BASE.length).split('/')[1] ?? '';
const label = (route: ScimRoute) => `${route.method} ${route.resource.slice(SCIM_BASE.length)}`;

/**
 * Per collection of directory data: a filter that finds something in A only, and a body the
 * route accepts (named like A's resource), so that a refusal can only come from isolation.
 */
const collections: Record<string, { onlyInA: () => string; body: (route: ScimRoute) => unknown }> = {
  Users: {
    onlyInA: () => `userName eq "${ONLY_IN_A}"`,
    body: (route) =>
      route.method === 'PATCH'
        ? { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Hijacked' }] }
        : entraUser(userA.userName),
  },
  Groups: {
    onlyInA: () => `displayName eq "${GROUP_ONLY_IN_A}" or members[value eq "${userA.id}"]`,
    // A's user as a member: refused in B (not a user of B), and never added to A's group.
    body: (route) =>
      route.method === 'PATCH'
        ? {
            schemas: [PATCH_OP],
            Operations: [
              { op: 'replace', path: 'displayName', value: 'Hijacked' },
              { op: 'remove', path: 'members' },
            ],
          }
        : { schemas: [GROUP_SCHEMA], displayName: groupA.displayName },
  },
};

function fixturesOf(route: ScimRoute) {
  const fixtures = collections[collectionOf(route)];
  if (!fixtures)
    throw new Error(`No fixture of directory A for ${label(route)}: add one to isolation.test.ts`);
  return fixtures;
}

/** A request body the route accepts, so that a refusal can only come from isolation. */
function bodyFor(route: ScimRoute): unknown {
  if (DEFINITIONS.has(collectionOf(route))) return undefined;
  if (collectionOf(route) === 'Bulk') return bulkInB();
  if (collectionOf(route) === ROOT_SEARCH) return { filter: `userName eq "${userA.userName}"` };
  const fixtures = fixturesOf(route);
  if (route.resource.endsWith('/.search')) return { filter: fixtures.onlyInA() };
  return ['POST', 'PUT', 'PATCH'].includes(route.method) ? fixtures.body(route) : undefined;
}

/** Bulk operations in B on A's user and group, and a group of B naming A's user as a member. */
function bulkInB(): unknown {
  const rename = {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'displayName', value: 'Hijacked' }],
  };
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
    Operations: [
      { method: 'PATCH', path: `/Users/${userA.id}`, data: rename },
      { method: 'DELETE', path: `/Users/${userA.id}` },
      { method: 'PATCH', path: `/Groups/${groupA.id}`, data: rename },
      { method: 'DELETE', path: `/Groups/${groupA.id}` },
      {
        method: 'POST',
        path: '/Groups',
        bulkId: 'g',
        data: { schemas: [GROUP_SCHEMA], displayName: 'Stolen', members: [{ value: userA.id }] },
      },
    ],
  };
}

/** An id of directory A's data in the route's collection; a new collection must add its own. */
function idOfA(route: ScimRoute): string {
  const collection = collectionOf(route);
  if (collection === 'Users') return userA.id;
  if (collection === 'Groups') return groupA.id;
  if (DEFINITIONS.has(collection))
    return collection === 'Schemas' ? 'urn:ietf:params:scim:schemas:core:2.0:User' : 'User';
  throw new Error(`No fixture of directory A for ${label(route)}: add one to isolation.test.ts`);
}

describe.each(scimRoutes.map((route) => [label(route), route] as const))('%s', (_, route) => {
  const path = () => {
    const template = route.resource.slice(SCIM_BASE.length);
    return template.includes('{id}') ? template.replace('{id}', encodeURIComponent(idOfA(route))) : template;
  };

  it("refuses directory A's token on directory B with 401, WWW-Authenticate and a SCIM error", async () => {
    const reply = await call(B, scim.runtime.token, route.method, path(), bodyFor(route));
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(reply.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401' });
  });

  it("never shows or changes directory A's data through directory B", async () => {
    const collection = collectionOf(route);
    const reply = await call(B, tokenB, route.method, path(), bodyFor(route));
    if (DEFINITIONS.has(collection)) {
      // Definitions are the same everywhere and hold no directory data.
      expect(reply.status).toBe(200);
      return;
    }
    if (collection === ROOT_SEARCH) {
      expect(reply.status).toBe(501);
      expect(JSON.stringify(reply.body)).not.toContain(userA.id);
      return;
    }
    if (route.resource.includes('{id}')) {
      expect(reply.status).toBe(404);
      return;
    }
    if (collection === 'Bulk') {
      // A's user and group are unknown to operations in B (their ids are only echoed in the
      // locations), and A's user is not a user a group of B can have.
      expect(reply.status).toBe(200);
      expect(reply.body.Operations.map(({ status }: { status: string }) => status)).toEqual([
        '404',
        '404',
        '404',
        '404',
        '400',
      ]);
      return;
    }
    // Collection routes: a filter or a listing in B never returns A's resources, and a create
    // in B with A's userName (or group displayName) is a new resource of B (unique per directory).
    expect(JSON.stringify(reply.body)).not.toContain(userA.id);
    expect(JSON.stringify(reply.body)).not.toContain(groupA.id);
    if (route.method === 'GET') {
      const onlyInA = fixturesOf(route).onlyInA();
      const filtered = await call(B, tokenB, 'GET', `${path()}?filter=${encodeURIComponent(onlyInA)}`);
      expect(filtered.body.totalResults).toBe(0);
      const all = await call(B, tokenB, 'GET', path());
      const ownId = collectionOf(route) === 'Groups' ? groupB.id : userB.id;
      expect(all.body.Resources.map((resource: { id: string }) => resource.id)).toContain(ownId);
    } else if (route.resource.endsWith('/.search')) {
      expect(reply.body.totalResults).toBe(0);
    } else {
      expect(reply.status).toBe(201);
    }
  });
});
