/**
 * Contract: the Salesforce connector and its fake against Salesforce's published reference.
 *
 * No machine-readable description of these calls is usable here: Salesforce publishes no OpenAPI
 * for the REST sObject and query resources, and `jsforce` (the client the issue names) ships
 * TypeScript types of the sObjects rather than a schema of the REST API. So this test holds the facts we rely on, transcribed from
 * the REST API Developer Guide and the Object Reference (sources below), and checks the
 * connector's requests against them: every call is a documented resource, every write uses a
 * call the object supports (User: update; UserLogin: query, update; AuthSession: query, delete),
 * every SOQL query reads and filters only fields the object documents, and the fake's records
 * carry only those fields. It cannot see what the reference does not say.
 */
import { afterEach, describe, expect, it } from 'vitest';
import salesforce from '../../functions/connectors/salesforce/connector.ts';
import type { FakeRequest } from '../../local/fakes/fake-server.ts';
import { type SalesforceFake, startSalesforceFake } from '../../local/fakes/salesforce.ts';
import { runHandler, userEvent } from '../support/connector-harness.ts';
import { apiCalls, type DocumentedOperation, undocumented } from './support/vendors-operations.ts';

const REST = 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/';
const OBJECTS = 'https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/';

/** The REST resources the connector may call, under /services/data/vXX.X. */
const OPERATIONS: readonly DocumentedOperation[] = [
  { method: 'GET', path: '/query', source: `${REST}resources_query.htm` },
  { method: 'PATCH', path: '/sobjects/{sObject}/{id}', source: `${REST}dome_update_fields.htm` },
  { method: 'DELETE', path: '/sobjects/{sObject}/{id}', source: `${REST}dome_delete_record.htm` },
];

/** Per object: the calls it supports and the fields the connector may touch ("Supported Calls", "Fields"). */
const SOBJECTS: Record<string, { calls: readonly string[]; fields: readonly string[]; source: string }> = {
  User: {
    calls: ['query', 'update'],
    fields: ['Id', 'Username', 'Email', 'FederationIdentifier', 'IsActive'],
    source: `${OBJECTS}sforce_api_objects_user.htm`,
  },
  UserLogin: {
    calls: ['query', 'update'],
    fields: ['Id', 'UserId', 'IsFrozen', 'IsPasswordLocked'],
    source: `${OBJECTS}sforce_api_objects_userlogin.htm`,
  },
  AuthSession: {
    calls: ['query', 'delete'],
    fields: ['Id', 'UsersId', 'SessionType', 'LoginType', 'NumSecondsValid'],
    source: `${OBJECTS}sforce_api_objects_authsession.htm`,
  },
};

let fake: SalesforceFake;
afterEach(() => fake?.close());

const ADA = 'ada.lovelace@example.com';
const GRACE = 'grace@example.com';
const VERSIONED = /^\/services\/data\/v\d+\.0/;

async function everyRequestKind(): Promise<readonly FakeRequest[]> {
  fake = await startSalesforceFake({
    users: [
      { Username: ADA, Email: ADA, IsActive: true },
      { Username: GRACE, Email: GRACE, IsActive: true },
    ],
    cannotDeactivate: [GRACE],
  });
  const config = fake.connectorConfig();
  const left = await runHandler(salesforce, userEvent('user.deactivated'), config);
  await runHandler(salesforce, userEvent('user.deactivated', { userName: GRACE, emails: [] }), config);
  await runHandler(salesforce, userEvent('user.reactivated'), config, {
    ...(left.restoreState ? { restoreState: left.restoreState } : {}),
  });
  return apiCalls(fake.requests, '/services/oauth2/token').map((request) => ({
    ...request,
    url: new URL(request.url.pathname.replace(VERSIONED, '') + request.url.search, request.url),
  }));
}

/** `SELECT a, b FROM Object WHERE c = '...'`: the object, and every field read or filtered. */
function soqlParts(soql: string): { object: string; fields: string[] } {
  const match = /^SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(\w+)\s*=)?/i.exec(soql);
  const selected = (match?.[1] ?? '').split(',').map((field) => field.trim());
  return { object: match?.[2] ?? '', fields: [...selected, ...(match?.[3] ? [match[3]] : [])] };
}

describe('Salesforce connector and fake, against the REST API and Object Reference', () => {
  it('calls only documented REST resources, each with a call its object supports', async () => {
    const calls = await everyRequestKind();
    expect(calls.length).toBeGreaterThanOrEqual(10);
    expect(undocumented(OPERATIONS, calls, '')).toEqual([]);
    const writes = calls.filter((request) => request.method !== 'GET');
    expect(writes.length).toBeGreaterThan(0);
    for (const request of writes) {
      const object = request.url.pathname.split('/')[2] ?? '';
      const call = request.method === 'PATCH' ? 'update' : 'delete';
      expect({ object, call, supported: SOBJECTS[object]?.calls.includes(call) }).toEqual({
        object,
        call,
        supported: true,
      });
      if (request.method === 'PATCH') {
        const written = Object.keys(JSON.parse(request.body) as object);
        expect(written.filter((field) => !SOBJECTS[object]?.fields.includes(field))).toEqual([]);
      }
    }
  });

  it('queries only objects that support query, reading and filtering documented fields', async () => {
    const queries = (await everyRequestKind())
      .filter((request) => request.url.pathname === '/query')
      .map((request) => request.url.searchParams.get('q') ?? '');
    expect(new Set(queries.map((soql) => soqlParts(soql).object))).toEqual(
      new Set(['User', 'UserLogin', 'AuthSession']),
    );
    for (const soql of queries) {
      const { object, fields } = soqlParts(soql);
      expect({ soql, supported: SOBJECTS[object]?.calls.includes('query') }).toEqual({
        soql,
        supported: true,
      });
      expect(fields.filter((field) => !SOBJECTS[object]?.fields.includes(field))).toEqual([]);
    }
  });

  it('answers queries with records of documented fields, and errors as [{ message, errorCode }]', async () => {
    const calls = await everyRequestKind();
    const token = await fetch(`${fake.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', ...credentials() }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const { access_token } = (await token.json()) as { access_token: string };
    for (const request of calls.filter((call) => call.url.pathname === '/query')) {
      const soql = request.url.searchParams.get('q') ?? '';
      const answer = await fetch(`${fake.url}/services/data/v63.0/query?q=${encodeURIComponent(soql)}`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      const page = (await answer.json()) as {
        totalSize: number;
        done: boolean;
        records: Record<string, unknown>[];
      };
      expect(typeof page.totalSize).toBe('number');
      expect(page.done).toBe(true);
      const { object } = soqlParts(soql);
      for (const record of page.records) {
        const extra = Object.keys(record).filter(
          (key) => key !== 'attributes' && !SOBJECTS[object]?.fields.includes(key),
        );
        expect(extra).toEqual([]);
      }
    }
    const malformed = await fetch(`${fake.url}/services/data/v63.0/query?q=SELECT`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(await malformed.json()).toEqual([{ message: expect.any(String), errorCode: 'MALFORMED_QUERY' }]);
  });
});

function credentials(): Record<string, string> {
  const { secrets } = fake.connectorConfig();
  return { client_id: secrets.clientId, client_secret: secrets.clientSecret };
}
