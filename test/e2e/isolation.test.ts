/**
 * Directory isolation over every SCIM route in shared/contracts/routes.ts: the list is iterated,
 * so a route added there is covered here without anyone remembering to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../shared/adapters/dynamodb/token-store.ts';
import { SCIM_BASE, type ScimRoute, scimRoutes } from '../../shared/contracts/routes.ts';
import { ERROR_SCHEMA, entraUser, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

/** Collections whose ids are fixed definitions, the same in every directory rather than data. */
const DEFINITIONS = new Set(['ServiceProviderConfig', 'ResourceTypes', 'Schemas']);
/** A userName that exists in directory A only: filters in B must find nothing. */
const ONLY_IN_A = 'only-in-a@a.example';

let scim: TestScim;
const B = 'tenant-b';
let tokenB: string;
let userA: { id: string; userName: string; body: unknown };
let userB: { id: string };

beforeAll(async () => {
  scim = await startTestScim();
  await scim.runtime.directories.create(B, 'Tenant B');
  tokenB = generateToken();
  await scim.runtime.tokens.register(B, tokenB, { label: 'B' });
  const createdA = await scim.request('POST', '/Users', entraUser('ada@a.example'));
  userA = { id: createdA.body.id, userName: 'ada@a.example', body: createdA.body };
  await scim.request('POST', '/Users', entraUser(ONLY_IN_A));
  userB = (await call(B, tokenB, 'POST', '/Users', entraUser('bob@b.example'))).body;
});
afterAll(async () => {
  // Nothing any request in B did touched A's user.
  expect((await scim.request('GET', `/Users/${userA.id}`)).body).toEqual(userA.body);
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

/** A request body the route accepts, so that a refusal can only come from isolation. */
function bodyFor(route: ScimRoute, userName: string): unknown {
  if (route.resource.endsWith('/.search')) return { filter: `userName eq "${ONLY_IN_A}"` };
  if (route.resource.endsWith('/Bulk'))
    return {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        {
          method: 'PATCH',
          path: `/Users/${userA.id}`,
          data: {
            schemas: [PATCH_OP],
            Operations: [{ op: 'replace', path: 'displayName', value: 'Hijacked' }],
          },
        },
        { method: 'DELETE', path: `/Users/${userA.id}` },
      ],
    };
  if (route.method === 'POST' || route.method === 'PUT') return entraUser(userName);
  if (route.method === 'PATCH')
    return { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Hijacked' }] };
  return undefined;
}

/** An id of directory A's data in the route's collection; a new collection must add its own. */
function idOfA(route: ScimRoute): string {
  const collection = collectionOf(route);
  if (collection === 'Users') return userA.id;
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
    const reply = await call(B, scim.runtime.token, route.method, path(), bodyFor(route, 'x@a.example'));
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(reply.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401' });
  });

  it("never shows or changes directory A's data through directory B", async () => {
    const collection = collectionOf(route);
    const reply = await call(B, tokenB, route.method, path(), bodyFor(route, userA.userName));
    if (DEFINITIONS.has(collection)) {
      // Definitions are the same everywhere and hold no directory data.
      expect(reply.status).toBe(200);
      return;
    }
    if (route.resource.includes('{id}')) {
      expect(reply.status).toBe(404);
      return;
    }
    if (route.resource.endsWith('/Bulk')) {
      // A's user is unknown to operations in B: its id is only echoed in their locations.
      expect(reply.status).toBe(200);
      expect(reply.body.Operations.map(({ status }: { status: string }) => status)).toEqual(['404', '404']);
      return;
    }
    // Collection routes: a filter or a listing in B never returns A's resources, and a create
    // in B with A's userName is a new resource of B (userName is unique per directory).
    expect(JSON.stringify(reply.body)).not.toContain(userA.id);
    if (route.method === 'GET') {
      const filtered = await call(
        B,
        tokenB,
        'GET',
        `${path()}?filter=${encodeURIComponent(`userName eq "${ONLY_IN_A}"`)}`,
      );
      expect(filtered.body.totalResults).toBe(0);
      const all = await call(B, tokenB, 'GET', path());
      expect(all.body.Resources.map((resource: { id: string }) => resource.id)).toContain(userB.id);
    } else if (route.resource.endsWith('/.search')) {
      expect(reply.body.totalResults).toBe(0);
    } else {
      expect(reply.status).toBe(201);
    }
  });
});
