import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coerceResource } from '../../shared/scim/coerce.ts';
import { groupResourceType, userResourceType } from '../../shared/scim/schema/resource-type.ts';
import {
  ENTERPRISE,
  ERROR_SCHEMA,
  entraUser,
  GROUP_SCHEMA,
  PATCH_OP,
  type ScimReply,
  startTestScim,
  type TestScim,
  USER_SCHEMA,
} from '../support/scim-client.ts';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const UNKNOWN_ID = '4f1c0de0-0000-4000-8000-000000000000';

type Operation = Record<string, unknown>;
/** One entry of a BulkResponse. */
interface OperationResult {
  readonly method: string;
  readonly bulkId?: string;
  readonly location?: string;
  readonly version?: string;
  readonly status: string;
  readonly response?: { readonly schemas: string[]; readonly detail: string; readonly scimType?: string };
}
const bulkRequest = (Operations: unknown[], extra: Record<string, unknown> = {}) => ({
  schemas: [BULK_REQUEST],
  ...extra,
  Operations,
});
const createUser = (bulkId: string, userName: string, extra: Record<string, unknown> = {}): Operation => ({
  method: 'POST',
  path: '/Users',
  bulkId,
  data: { schemas: [USER_SCHEMA], userName, ...extra },
});
const managedBy = (value: string) => ({ [ENTERPRISE]: { manager: { value } } });

/** POST /Bulk over HTTP, through the same local API Gateway and DynamoDB Local as every e2e test. */
describe('SCIM Bulk', () => {
  let scim: TestScim;
  beforeAll(async () => {
    // DynamoDB Local runs transactions one at a time on cores shared with the rest of the suite,
    // so the 1,000-operation request can take longer here than API Gateway's 29 s would allow; on
    // DynamoDB it takes a few seconds (docs/bulk.md). The function's time budget follows this.
    scim = await startTestScim({ integrationTimeoutMs: 120_000 });
  });
  afterAll(async () => scim.close());

  const bulk = (body: unknown) => scim.request('POST', '/Bulk', body);
  const operationsOf = (reply: ScimReply): OperationResult[] => {
    expect(reply.status).toBe(200);
    expect(reply.body.schemas).toEqual([BULK_RESPONSE]);
    return reply.body.Operations;
  };
  const idFrom = (location: unknown) => String(location).split('/').pop() ?? '';
  const findUser = async (userName: string) =>
    (await scim.request('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).body
      .Resources as Record<string, unknown>[];

  it('creates users, resolves bulkIds in data and paths, and orders by reference, not by listing', async () => {
    const operations = operationsOf(
      await bulk(
        bulkRequest([
          // Bob's manager is created later in the list: Bob must still be created after her.
          createUser('bob', 'bob@bulk.example', managedBy('bulkId:alice')),
          createUser('alice', 'alice@bulk.example'),
          {
            method: 'PATCH',
            path: '/Users/bulkId:alice',
            data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'CTO' }] },
          },
          createUser('carol', 'carol@bulk.example'),
          { method: 'DELETE', path: '/Users/bulkId:carol' },
        ]),
      ),
    );
    expect(operations.map(({ method, status }) => `${method} ${status}`)).toEqual([
      'POST 201',
      'POST 201',
      'PATCH 200',
      'POST 201',
      'DELETE 204',
    ]);
    const [bob, alice, patched, carol, deleted] = operations;
    const aliceId = idFrom(alice?.location);
    expect(alice?.location).toBe(`${scim.runtime.baseUrl}/Users/${aliceId}`);
    expect(patched?.location).toBe(alice?.location);
    expect(deleted?.location).toBe(carol?.location);

    const bobNow = await scim.request('GET', `/Users/${idFrom(bob?.location)}`);
    expect(bobNow.body[ENTERPRISE].manager.value).toBe(aliceId);
    expect(bobNow.headers.get('etag')).toBe(bob?.version);
    const aliceNow = await scim.request('GET', `/Users/${aliceId}`);
    expect(aliceNow.body.title).toBe('CTO');
    expect(aliceNow.headers.get('etag')).toBe(patched?.version);
    expect((await scim.request('GET', `/Users/${idFrom(carol?.location)}`)).status).toBe(404);
  });

  it('answers the example of RFC 7644 §3.7.2 in its shape: location, method, bulkId, version, status', async () => {
    const operations = operationsOf(
      await bulk(
        bulkRequest([
          createUser('qwerty', 'Alice@rfc.example', {
            name: { familyName: 'Incredible', givenName: 'Alice' },
          }),
          {
            method: 'POST',
            path: '/Groups',
            bulkId: 'ytrewq',
            data: {
              schemas: [GROUP_SCHEMA],
              displayName: 'Tour Guides',
              members: [{ type: 'User', value: 'bulkId:qwerty' }],
            },
          },
        ]),
      ),
    );
    const shape = (endpoint: string, bulkId: string) => ({
      location: expect.stringMatching(new RegExp(`^${scim.runtime.baseUrl}/${endpoint}/[0-9a-f-]{36}$`)),
      method: 'POST',
      bulkId,
      version: expect.stringMatching(/^W\/"\d+"$/),
      status: '201',
    });
    expect(operations).toStrictEqual([shape('Users', 'qwerty'), shape('Groups', 'ytrewq')]);
    const group = await scim.request('GET', `/Groups/${idFrom(operations[1]?.location)}`);
    expect(group.body.members).toMatchObject([{ value: idFrom(operations[0]?.location) }]);
  });

  it('creates a group after the users its members refer to by bulkId, even when listed first', async () => {
    const operations = operationsOf(
      await bulk(
        bulkRequest([
          {
            method: 'POST',
            path: '/Groups',
            bulkId: 'team',
            data: {
              schemas: [GROUP_SCHEMA],
              displayName: 'Platform team',
              members: [{ value: 'bulkId:grace' }, { value: 'bulkId:linus' }],
            },
          },
          createUser('grace', 'grace@groups.example'),
          createUser('linus', 'linus@groups.example'),
          // A member added by PATCH, to the group by its bulkId path: 204 with the ETag, as a
          // group PATCH answers on its own.
          createUser('ken', 'ken@groups.example'),
          {
            method: 'PATCH',
            path: '/Groups/bulkId:team',
            data: {
              schemas: [PATCH_OP],
              Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:ken' }] }],
            },
          },
        ]),
      ),
    );
    expect(operations.map(({ method, status }) => `${method} ${status}`)).toEqual([
      'POST 201',
      'POST 201',
      'POST 201',
      'POST 201',
      'PATCH 204',
    ]);
    const [team, grace, linus, ken, patched] = operations;
    expect(patched?.location).toBe(team?.location);
    const group = await scim.request('GET', `/Groups/${idFrom(team?.location)}`);
    expect(group.headers.get('etag')).toBe(patched?.version);
    expect(group.body.members.map(({ value }: { value: string }) => value).sort()).toEqual(
      [grace, linus, ken].map((created) => idFrom(created?.location)).sort(),
    );
    const graceNow = await scim.request('GET', `/Users/${idFrom(grace?.location)}`);
    expect(graceNow.body.groups).toMatchObject([{ value: idFrom(team?.location), display: 'Platform team' }]);
  });

  it('fails a group whose member is a user that failed, and only that group', async () => {
    await bulk(bulkRequest([createUser('first', 'first@groups.example')]));
    const operations = operationsOf(
      await bulk(
        bulkRequest([
          {
            method: 'POST',
            path: '/Groups',
            bulkId: 'crew',
            data: { schemas: [GROUP_SCHEMA], displayName: 'Crew', members: [{ value: 'bulkId:again' }] },
          },
          createUser('again', 'first@groups.example'),
          {
            method: 'POST',
            path: '/Groups',
            bulkId: 'empty',
            data: { schemas: [GROUP_SCHEMA], displayName: 'Empty' },
          },
        ]),
      ),
    );
    expect(operations.map(({ status }) => status)).toEqual(['409', '409', '201']);
    expect(operations[0]?.response?.detail).toContain('"again"');
    expect(operations[1]?.response?.scimType).toBe('uniqueness');
    const crew = await scim.request('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Crew"')}`);
    expect(crew.body.totalResults).toBe(0);
  });

  it('stops starting operations after failOnErrors errors, and leaves out those not performed', async () => {
    await bulk(bulkRequest([createUser('taken', 'taken@bulk.example')]));
    const followers = Array.from({ length: 40 }, (_, n) => createUser(`f${n}`, `follower${n}@bulk.example`));
    const operations = operationsOf(
      await bulk(bulkRequest([createUser('dup', 'taken@bulk.example'), ...followers], { failOnErrors: 1 })),
    );
    expect(operations[0]).toMatchObject({
      bulkId: 'dup',
      status: '409',
      response: { scimType: 'uniqueness' },
    });
    // The first operation failed, so no other was started (RFC 7644 §3.7.3), though Bulk runs
    // operations in parallel without failOnErrors.
    expect(operations).toHaveLength(1);
    // Whatever was performed is in the response, and nothing else was done.
    const reported = operations.flatMap(({ bulkId }) =>
      bulkId?.startsWith('f') ? [`follower${bulkId.slice(1)}@bulk.example`] : [],
    );
    const stored = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName sw "follower"')}&attributes=userName&excludedAttributes=groups`,
    );
    expect(stored.body.Resources.map((user: { userName: string }) => user.userName).sort()).toEqual(
      reported.sort(),
    );
  }, 60_000);

  it('answers 409 to POSTs whose bulkIds refer to each other in a circle, and to what refers to them', async () => {
    const operations = operationsOf(
      await bulk(
        bulkRequest([
          createUser('ann', 'ann@cycle.example', managedBy('bulkId:ben')),
          createUser('ben', 'ben@cycle.example', managedBy('bulkId:ann')),
          createUser('cid', 'cid@cycle.example', managedBy('bulkId:ann')),
          createUser('dee', 'dee@cycle.example'),
        ]),
      ),
    );
    expect(operations.map(({ status }) => status)).toEqual(['409', '409', '409', '201']);
    for (const failed of operations.slice(0, 2)) {
      expect(failed.location).toBeUndefined();
      expect(failed.response).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409' });
      expect(failed.response?.detail).toMatch(/Circular.*"ann".*"ben"/);
    }
    expect(operations[2]?.response?.detail).toContain('"ann"');
    for (const name of ['ann', 'ben', 'cid']) expect(await findUser(`${name}@cycle.example`)).toHaveLength(0);
  });

  it('fails only the operation that refers to an unknown bulkId, naming it', async () => {
    const operations = operationsOf(
      await bulk(
        bulkRequest([
          createUser('lost', 'lost@bulk.example', managedBy('bulkId:nobody')),
          createUser('found', 'found@bulk.example'),
        ]),
      ),
    );
    expect(operations[0]).toMatchObject({
      status: '400',
      response: { scimType: 'invalidValue', detail: expect.stringContaining('"nobody"') },
    });
    expect(operations[1]?.status).toBe('201');
    expect(await findUser('lost@bulk.example')).toHaveLength(0);
  });

  it('checks version as If-Match: 412 on a stale one, the change with the current one', async () => {
    const created = await scim.request('POST', '/Users', entraUser('versioned@bulk.example'));
    const { id } = created.body;
    const etag = created.headers.get('etag');
    const title = (value: string) => ({
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'title', value }],
    });
    const operations = operationsOf(
      await bulk(
        bulkRequest([
          {
            method: 'PUT',
            path: `/Users/${id}`,
            version: 'W/"999"',
            data: entraUser('versioned@bulk.example'),
          },
          { method: 'PATCH', path: `/Users/${id}`, version: etag, data: title('Engineer') },
          { method: 'DELETE', path: `/Users/${id}`, version: etag },
        ]),
      ),
    );
    expect(operations.map(({ status }) => status)).toEqual(['412', '200', '412']);
    expect(operations[0]).toMatchObject({ location: `${scim.runtime.baseUrl}/Users/${id}` });
    const now = await scim.request('GET', `/Users/${id}`);
    expect(now.body.title).toBe('Engineer');
    expect(now.headers.get('etag')).toBe(operations[1]?.version);
  });

  it('answers 404 for an unknown id or endpoint, per operation', async () => {
    const operations = operationsOf(
      await bulk(
        bulkRequest([
          { method: 'PATCH', path: `/Users/${UNKNOWN_ID}`, data: { schemas: [PATCH_OP], Operations: [] } },
          { method: 'DELETE', path: `/Users/${UNKNOWN_ID}` },
          { method: 'POST', path: '/Devices', bulkId: 'd', data: { schemas: [USER_SCHEMA] } },
        ]),
      ),
    );
    expect(operations.map(({ status }) => status)).toEqual(['404', '404', '404']);
    expect(operations[1]).toMatchObject({
      location: `${scim.runtime.baseUrl}/Users/${UNKNOWN_ID}`,
      response: { schemas: [ERROR_SCHEMA], status: '404' },
    });
  });

  it('refuses more than maxOperations operations with 413 naming the limit', async () => {
    const config = await scim.request('GET', '/ServiceProviderConfig');
    expect(config.body.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 1_048_576 });
    const reply = await bulk(
      bulkRequest(Array.from({ length: 1001 }, () => ({ method: 'DELETE', path: `/Users/${UNKNOWN_ID}` }))),
    );
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '413' });
    expect(reply.body.detail).toMatch(/maxOperations is 1000/);
  });

  it('accepts bodies above the 256 KiB of other routes, and refuses one above maxPayloadSize with 413', async () => {
    const padded = (kib: number, userName: string) =>
      bulkRequest([createUser('big', userName, { nickName: 'x'.repeat(kib * 1024) })]);
    const accepted = operationsOf(await bulk(padded(90, 'padded@bulk.example')));
    expect(accepted[0]?.status).toBe('201');
    const big = { ...padded(1, 'huge@bulk.example'), padding: 'x'.repeat(1_048_576) };
    const reply = await bulk(big);
    expect(reply.status).toBe(413);
    expect(reply.body.detail).toMatch(/maxPayloadSize is 1048576 bytes/);
    expect(await findUser('huge@bulk.example')).toHaveLength(0);
    // A request of 300 KiB: refused by /Users, accepted by /Bulk.
    const threeHundred = bulkRequest([
      createUser('a', 'padded-a@bulk.example', { nickName: 'a'.repeat(95 * 1024) }),
      createUser('b', 'padded-b@bulk.example', { nickName: 'b'.repeat(95 * 1024) }),
      createUser('c', 'padded-c@bulk.example', { nickName: 'c'.repeat(95 * 1024) }),
    ]);
    expect(JSON.stringify(threeHundred).length).toBeGreaterThan(256 * 1024);
    expect(operationsOf(await bulk(threeHundred)).map(({ status }) => status)).toEqual(['201', '201', '201']);
  });

  it('refuses a malformed BulkRequest as a whole with 400, performing none of it', async () => {
    const valid = createUser('ok', 'never@bulk.example');
    const cases: [unknown, string][] = [
      ['{"Operations": [', 'invalidSyntax'],
      [[valid], 'invalidSyntax'],
      [{ schemas: [BULK_REQUEST] }, 'invalidSyntax'],
      [{ schemas: [PATCH_OP], Operations: [valid] }, 'invalidSyntax'],
      [bulkRequest([valid, 'DELETE /Users/x']), 'invalidSyntax'],
      [bulkRequest([valid, { method: 'GET', path: '/Users' }]), 'invalidValue'],
      [bulkRequest([valid, { method: 'POST', path: '/Users', data: { userName: 'x' } }]), 'invalidValue'],
      [bulkRequest([valid, { method: 'PUT', path: '/Users', data: {} }]), 'invalidPath'],
      [bulkRequest([valid, { method: 'DELETE' }]), 'invalidSyntax'],
      [bulkRequest([valid, { ...valid, data: { userName: 'other@bulk.example' } }]), 'invalidValue'],
      [bulkRequest([valid], { failOnErrors: 0 }), 'invalidValue'],
      [bulkRequest([valid], { failOnErrors: 'one' }), 'invalidSyntax'],
    ];
    for (const [body, scimType] of cases) {
      const reply = await bulk(body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400', scimType });
    }
    expect(await findUser('never@bulk.example')).toHaveLength(0);
  });

  it('reads attribute names case-insensitively and accepts an empty list', async () => {
    expect(operationsOf(await bulk({ schemas: [BULK_REQUEST], Operations: [] }))).toEqual([]);
    const operations = operationsOf(
      await bulk({
        schemas: [BULK_REQUEST],
        operations: [
          { Method: 'post', Path: '/Users', BulkId: 'lc', Data: { userName: 'lower@bulk.example' } },
        ],
      }),
    );
    expect(operations).toMatchObject([{ method: 'POST', bulkId: 'lc', status: '201' }]);
  });

  it('performs 200 operations in one request: 40 creates, each followed by 4 PATCHes by bulkId', async () => {
    // 40 request-order chains of dependent operations through the scheduler at once. The full
    // 1,000-operation request is measured by `npm run bench` (bench/results/bulk.md): DynamoDB Local
    // runs transactions one at a time, so its duration here would measure Local, not this service.
    const operations: Operation[] = [];
    for (let n = 0; n < 40; n++) {
      operations.push(createUser(`t${n}`, `user${n}@chains.example`, { title: 'new' }));
      for (let k = 1; k <= 4; k++) {
        operations.push({
          method: 'PATCH',
          path: `/Users/bulkId:t${n}`,
          data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: `step ${k}` }] },
        });
      }
    }
    const results = operationsOf(await bulk(bulkRequest(operations)));
    expect(results).toHaveLength(200);
    expect(results.filter(({ status }) => status === '201')).toHaveLength(40);
    expect(results.filter(({ status }) => status === '200')).toHaveLength(160);
    // Each user's PATCHes ran in request order: the last one's title is what is stored.
    const last = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('title eq "step 4"')}&count=0`,
    );
    expect(last.body.totalResults).toBe(40);
    expect(results.at(-1)?.version).toBe('W/"5"');
  }, 60_000);

  // Random BulkRequests: never a 5xx, for the request or any operation, and stored users stay valid.
  // (One runtime per file: the handlers read their table name once, at module scope.)
  const bulkIds = fc.constantFrom('a', 'b', 'c', '', 'bulkId:a');
  const reference = fc.oneof(
    bulkIds.map((bulkId) => `bulkId:${bulkId}`),
    fc.constantFrom(UNKNOWN_ID, 'bulkId:', 'x'),
  );
  const userData = fc.record(
    {
      schemas: fc.constant([USER_SCHEMA]),
      userName: fc.oneof(
        fc.constantFrom('f1@fuzz.example', 'f2@fuzz.example', 'F1@fuzz.example'),
        fc.string(),
        reference,
      ),
      active: fc.oneof(fc.boolean(), fc.constantFrom('True', 'perhaps')),
      [ENTERPRISE]: fc.record({ manager: fc.record({ value: reference }) }, { requiredKeys: [] }),
      emails: fc.array(fc.record({ value: fc.oneof(fc.string(), reference) }), { maxLength: 2 }),
    },
    { requiredKeys: ['userName'] },
  );
  const patchData = fc.record({
    schemas: fc.constant([PATCH_OP]),
    Operations: fc.array(
      fc.record({
        op: fc.constantFrom('add', 'replace', 'remove', 'nope'),
        path: fc.constantFrom(
          'title',
          `${ENTERPRISE}:manager`,
          'active',
          'emails[',
          'userName',
          'members',
          'displayName',
        ),
        value: fc.oneof(
          fc.string(),
          reference,
          fc.boolean(),
          fc.array(fc.record({ value: reference }), { maxLength: 2 }),
        ),
      }),
      { maxLength: 3 },
    ),
  });
  const groupData = fc.record(
    {
      schemas: fc.constant([GROUP_SCHEMA]),
      displayName: fc.oneof(fc.constantFrom('G1', 'g1', 'G2'), fc.string(), reference),
      members: fc.array(fc.record({ value: reference }), { maxLength: 3 }),
    },
    { requiredKeys: ['displayName'] },
  );
  const resourcePath = fc.constantFrom(
    '/Users/bulkId:a',
    '/Users/bulkId:b',
    '/Users/bulkId:zz',
    `/Users/${UNKNOWN_ID}`,
  );
  const version = fc.constantFrom(undefined, 'W/"1"', 'W/"2"', '*', 'nope');
  const operation = fc.oneof(
    fc.record({ method: fc.constant('POST'), path: fc.constant('/Users'), bulkId: bulkIds, data: userData }),
    fc.record({
      method: fc.constant('POST'),
      path: fc.constant('/Groups'),
      bulkId: bulkIds,
      data: groupData,
    }),
    fc.record({
      method: fc.constantFrom('PATCH', 'PUT', 'DELETE'),
      path: fc.constantFrom('/Groups/bulkId:a', '/Groups/bulkId:b', `/Groups/${UNKNOWN_ID}`),
      data: fc.oneof(groupData, patchData),
    }),
    fc.record({ method: fc.constantFrom('PUT', 'put'), path: resourcePath, version, data: userData }),
    fc.record({ method: fc.constant('PATCH'), path: resourcePath, version, data: patchData }),
    fc.record({ method: fc.constant('DELETE'), path: resourcePath, version }),
    fc.record(
      {
        method: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET', 7),
        path: fc.oneof(fc.constantFrom('/Users', '/Groups', '', '/', '/Users/a/b'), fc.string()),
        bulkId: fc.oneof(bulkIds, fc.anything()),
        version: fc.anything(),
        data: fc.anything(),
      },
      { requiredKeys: [] },
    ),
  );
  const request = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        schemas: fc.constant([BULK_REQUEST]),
        Operations: fc.array(operation, { maxLength: 6 }),
      }),
    },
    fc.record(
      {
        schemas: fc.constantFrom([BULK_REQUEST], ['x'], 'x'),
        failOnErrors: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant('1')),
        Operations: fc.array(operation, { maxLength: 6 }),
      },
      { requiredKeys: ['Operations'] },
    ),
    fc.anything(),
  );

  it('never answers 5xx to random requests, and what it stores are valid users and groups', async () => {
    let performed = 0;
    await fc.assert(
      fc.asyncProperty(request, async (body) => {
        const reply = await scim.request('POST', '/Bulk', JSON.stringify(body) ?? 'null');
        expect(reply.status === 200 || (reply.status >= 400 && reply.status < 500)).toBe(true);
        if (reply.status !== 200) {
          expect(reply.body.schemas).toEqual([ERROR_SCHEMA]);
          return;
        }
        for (const result of reply.body.Operations as OperationResult[]) {
          expect(Number(result.status)).toBeLessThan(500);
          if (Number(result.status) < 300) performed++;
          if (Number(result.status) >= 400)
            expect(result.response).toMatchObject({ schemas: [ERROR_SCHEMA] });
        }
      }),
      { numRuns: 40 },
    );
    // The generator is aimed well enough that some operations succeed, not only refusals.
    expect(performed).toBeGreaterThan(0);
    for (let startIndex = 1; ; startIndex += 200) {
      const page = await scim.request('GET', `/Users?startIndex=${startIndex}&count=200`);
      expect(page.status).toBe(200);
      for (const user of page.body.Resources as unknown[])
        expect(() => coerceResource(userResourceType, user, { mode: 'replace' })).not.toThrow();
      if (startIndex + 200 > page.body.totalResults) break;
    }
    const groups = await scim.request('GET', '/Groups?count=200');
    expect(groups.status).toBe(200);
    for (const group of groups.body.Resources as unknown[])
      expect(() => coerceResource(groupResourceType, group, { mode: 'replace' })).not.toThrow();
  });
});
