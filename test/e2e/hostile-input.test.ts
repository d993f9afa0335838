import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coerceResource } from '../../shared/scim/coerce.ts';
import { servedResourceTypes } from '../../shared/scim/discovery.ts';
import { MAX_GROUP_BYTES } from '../../shared/scim/groups/group-service.ts';
import {
  groupResourceType,
  type ResourceType,
  userResourceType,
} from '../../shared/scim/schema/resource-type.ts';
import { MAX_USER_BYTES } from '../../shared/scim/users/user-service.ts';
import { schemaResourceDefinition } from '../support/rfc7643-schema.ts';
import { ERROR_SCHEMA, entraUser, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const patchBody = (operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });
const bulkBody = (operations: unknown[]) => ({ schemas: [BULK], Operations: operations });
/** A body as sent on the wire, with a lone surrogate written the only way JSON can carry one. */
const withLoneSurrogate = (body: unknown) => JSON.stringify(body).replaceAll('LONE', '\\ud800');
/** Sort keys stop at 1,024 bytes; `USER#` and `GROUP#` take 5 and 6 of them. */
const longId = 'a'.repeat(1_100);

/**
 * A body whose stored form (the coerced resource as JSON) is exactly `bytes` long, its `name`
 * attribute made of 4-byte characters and padding, so both the size rule and every key built
 * from that name meet their limits in UTF-8 bytes, not characters.
 */
function bodyOfStoredSize(type: ResourceType, name: 'userName' | 'displayName', bytes: number) {
  const body = (text: string) => ({ [name]: text, externalId: 'size' });
  const size = (text: string) =>
    Buffer.byteLength(JSON.stringify(coerceResource(type, body(text), { mode: 'create' })));
  const room = bytes - size('a') + 1;
  const text = '😀'.repeat(Math.floor(room / 4)) + 'a'.repeat(room % 4);
  expect(size(text)).toBe(bytes);
  return body(text);
}

/** What a client sends that no identity provider should, over HTTP: a 4xx SCIM error, never a 5xx. */
describe('hostile input over HTTP', () => {
  let scim: TestScim;
  let userId: string;
  let groupId: string;
  beforeAll(async () => {
    scim = await startTestScim({ events: false });
    userId = (await scim.request('POST', '/Users', entraUser('hostile@contoso.com'))).body.id;
    groupId = (await scim.request('POST', '/Groups', { displayName: 'Hostile' })).body.id;
  });
  afterAll(async () => scim.close());

  const expectError = (
    reply: { status: number; body: { schemas?: string[]; scimType?: string } },
    status: number,
    scimType?: string,
  ) => {
    expect({ status: reply.status, scimType: reply.body?.scimType }).toEqual({ status, scimType });
    expect(reply.body.schemas).toEqual([ERROR_SCHEMA]);
  };

  it('refuses a lone surrogate in any body with 400 invalidValue, on every route', async () => {
    const sent: [string, string, unknown][] = [
      ['POST', '/Users', { userName: 'xLONE' }],
      ['POST', '/Users', { userName: 'ext@contoso.com', externalId: 'LONE' }],
      ['POST', '/Users', { userName: 'mail@contoso.com', emails: [{ value: 'LONE@contoso.com' }] }],
      ['POST', '/Groups', { displayName: 'gLONE' }],
      ['POST', '/Groups', { displayName: 'members', members: [{ value: 'LONE' }] }],
      ['PUT', `/Users/${userId}`, entraUser('hostile@contoso.com', { displayName: 'LONE' })],
      ['PATCH', `/Users/${userId}`, patchBody([{ op: 'replace', path: 'userName', value: 'LONE' }])],
      ['PATCH', `/Groups/${groupId}`, patchBody([{ op: 'replace', path: 'displayName', value: 'LONE' }])],
      ['POST', '/Users/.search', { filter: 'userName eq "LONE"' }],
      [
        'POST',
        '/Bulk',
        bulkBody([{ method: 'POST', path: '/Users', bulkId: 'a', data: { userName: 'LONE' } }]),
      ],
    ];
    for (const [method, path, body] of sent)
      expectError(await scim.request(method, path, withLoneSurrogate(body)), 400, 'invalidValue');
    expect((await scim.request('GET', `/Users/${userId}`)).body.userName).toBe('hostile@contoso.com');
  });

  it('refuses a lone surrogate escaped in a filter with 400 invalidFilter', async () => {
    for (const filter of ['userName eq "x\\ud800"', 'emails[value eq "\\udc00"]', 'externalId eq "\\ud800"'])
      expectError(
        await scim.request('GET', `/Users?filter=${encodeURIComponent(filter)}`),
        400,
        'invalidFilter',
      );
    expectError(
      await scim.request('GET', `/Groups?filter=${encodeURIComponent('displayName eq "\\ud800"')}`),
      400,
      'invalidFilter',
    );
  });

  it('answers 404 for an id longer than a key can be, for every method, and finds nothing for id eq', async () => {
    for (const resource of ['Users', 'Groups']) {
      expectError(await scim.request('GET', `/${resource}/${longId}`), 404);
      expectError(
        await scim.request('PUT', `/${resource}/${longId}`, { userName: 'long', displayName: 'long' }),
        404,
      );
      expectError(
        await scim.request(
          'PATCH',
          `/${resource}/${longId}`,
          patchBody([{ op: 'replace', path: 'externalId', value: 'x' }]),
        ),
        404,
      );
      expectError(await scim.request('DELETE', `/${resource}/${longId}`), 404);
      const listed = await scim.request(
        'GET',
        `/${resource}?filter=${encodeURIComponent(`id eq "${longId}"`)}`,
      );
      expect({ status: listed.status, totalResults: listed.body.totalResults }).toEqual({
        status: 200,
        totalResults: 0,
      });
    }
  });

  it('answers 404 at the sort key limit and one byte over it', async () => {
    for (const length of [1_024 - 'USER#'.length, 1_025 - 'USER#'.length])
      expectError(await scim.request('GET', `/Users/${'b'.repeat(length)}`), 404);
  });

  it('answers 404 for each Bulk operation on an id longer than a key can be', async () => {
    const reply = await scim.request(
      'POST',
      '/Bulk',
      bulkBody([
        { method: 'PUT', path: `/Users/${longId}`, data: { userName: 'long' } },
        {
          method: 'PATCH',
          path: `/Users/${longId}`,
          data: patchBody([{ op: 'replace', path: 'active', value: false }]),
        },
        { method: 'DELETE', path: `/Users/${longId}` },
        {
          method: 'PATCH',
          path: `/Groups/${longId}`,
          data: patchBody([{ op: 'replace', path: 'displayName', value: 'x' }]),
        },
      ]),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.Operations.map((operation: { status: string }) => operation.status)).toEqual([
      '404',
      '404',
      '404',
      '404',
    ]);
  });

  it('refuses a body nested 20,000 levels deep with 400, wherever the nesting is', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    for (const [method, path, body] of [
      ['POST', '/Users/.search', `{"filter":${deep}}`],
      ['POST', '/Groups/.search', `{"attributes":${deep}}`],
      ['POST', '/Groups', `{"displayName":"deep","members":${deep}}`],
      [
        'PATCH',
        `/Groups/${groupId}`,
        `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":"members","value":${deep}}]}`,
      ],
    ] as const)
      expect((await scim.request(method, path, body)).status).toBe(400);
  });

  it('refuses a SearchRequest field of an undocumented type with 400 invalidValue', async () => {
    expectError(
      await scim.request('POST', '/Users/.search', { filter: ['userName pr'] }),
      400,
      'invalidValue',
    );
    const listed = await scim.request('POST', '/Users/.search', {
      filter: 'userName pr',
      attributes: ['userName'],
    });
    expect(listed.status).toBe(200);
  });

  it('refuses an empty or blank userName, on create and by PATCH, with 400 invalidValue', async () => {
    for (const userName of ['', '  '])
      expectError(await scim.request('POST', '/Users', { userName }), 400, 'invalidValue');
    expectError(
      await scim.request(
        'PATCH',
        `/Users/${userId}`,
        patchBody([{ op: 'replace', path: 'userName', value: ' ' }]),
      ),
      400,
      'invalidValue',
    );
  });

  it('stores a user and a group of exactly 100 KiB and refuses one byte more with 413', async () => {
    for (const [type, name, path, limit] of [
      [userResourceType, 'userName', '/Users', MAX_USER_BYTES],
      [groupResourceType, 'displayName', '/Groups', MAX_GROUP_BYTES],
    ] as const) {
      expect(limit).toBe(100 * 1024);
      expectError(await scim.request('POST', path, bodyOfStoredSize(type, name, limit + 1)), 413);
      const created = await scim.request('POST', path, bodyOfStoredSize(type, name, limit));
      expect(created.status).toBe(201);
      const read = await scim.request('GET', `${path}/${created.body.id}`);
      expect(read.body[name]).toBe(created.body[name]);
      const found = await scim.request('GET', `${path}?filter=${encodeURIComponent(`externalId eq "size"`)}`);
      expect(found.body.totalResults).toBe(1);
      expect((await scim.request('DELETE', `${path}/${created.body.id}`)).status).toBe(204);
    }
  });

  it('serves /Schemas that RFC 7643 §7 accepts, every reference with its referenceTypes', async () => {
    const reply = await scim.request('GET', '/Schemas');
    expect(reply.status).toBe(200);
    const validator = schemaResourceDefinition(servedResourceTypes.map((type) => type.name));
    for (const schema of reply.body.Resources) {
      const result = validator.safeParse(schema);
      expect(result.success ? [] : result.error.issues).toEqual([]);
    }
  });
});
