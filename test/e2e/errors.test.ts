import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, entraUser, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

/** Bad input gets the RFC 7644 §3.12 error it deserves, and never changes what is stored. */
describe('SCIM errors', () => {
  let scim: TestScim;
  let id: string;
  let before: unknown;
  beforeAll(async () => {
    scim = await startTestScim();
    id = (await scim.request('POST', '/Users', entraUser('err@contoso.com'))).body.id;
    before = (await scim.request('GET', `/Users/${id}`)).body;
  });
  afterAll(async () => {
    // Nothing of the refused requests was written.
    expect((await scim.request('GET', `/Users/${id}`)).body).toEqual(before);
    await scim.close();
  });

  const expectError = (reply: { status: number; body: unknown }, status: number, scimType?: string) => {
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({
      schemas: [ERROR_SCHEMA],
      status: String(status),
      ...(scimType ? { scimType } : {}),
    });
  };

  it('malformed JSON is 400 invalidSyntax', async () => {
    expectError(await scim.request('POST', '/Users', '{"userName": '), 400, 'invalidSyntax');
    expectError(await scim.request('PATCH', `/Users/${id}`, '[1,2'), 400, 'invalidSyntax');
  });

  it('a body that is not an object, or has no userName, is 400', async () => {
    expectError(await scim.request('POST', '/Users', '[]'), 400, 'invalidSyntax');
    expectError(await scim.request('POST', '/Users', { schemas: [], displayName: 'x' }), 400, 'invalidValue');
  });

  it('a bad filter is 400 invalidFilter', async () => {
    for (const filter of [
      'userName eq',
      'userName xx "a"',
      '(userName eq "a"',
      'nosuchattribute eq "a"',
      'active gt true',
    ]) {
      expectError(
        await scim.request('GET', `/Users?filter=${encodeURIComponent(filter)}`),
        400,
        'invalidFilter',
      );
    }
  });

  it('a bad PATCH path is 400 invalidPath, a remove without path is 400 noTarget', async () => {
    expectError(
      await scim.request('PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'emails[type eq', value: 'x' }],
      }),
      400,
      'invalidPath',
    );
    expectError(
      await scim.request('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'remove' }] }),
      400,
      'noTarget',
    );
  });

  it('a value of the wrong type is 400 invalidValue', async () => {
    expectError(
      await scim.request('PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'active', value: 'perhaps' }],
      }),
      400,
      'invalidValue',
    );
    expectError(
      await scim.request('POST', '/Users', { ...entraUser('typed@contoso.com'), emails: 'not-a-list' }),
      400,
      'invalidValue',
    );
    expectError(
      await scim.request('PUT', `/Users/${id}`, { ...entraUser('err@contoso.com'), name: 'Ada' }),
      400,
      'invalidValue',
    );
  });

  it('changing a readOnly attribute by PATCH is 400 mutability', async () => {
    expectError(
      await scim.request('PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'id', value: 'x' }],
      }),
      400,
      'mutability',
    );
    expectError(
      await scim.request('PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }],
      }),
      400,
      'mutability',
    );
  });

  it('a PATCH whose third operation fails changes nothing', async () => {
    const reply = await scim.request('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'displayName', value: 'Changed' },
        { op: 'replace', path: 'title', value: 'Changed' },
        { op: 'replace', path: 'active', value: 'not a boolean' },
      ],
    });
    expect(reply.status).toBe(400);
    expect((await scim.request('GET', `/Users/${id}`)).body.displayName).toBe('Ada Lovelace');
  });

  it('an unknown id is 404 for every method', async () => {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
      const body =
        method === 'PUT' ? entraUser('x@contoso.com') : method === 'PATCH' ? { Operations: [] } : undefined;
      expectError(await scim.request(method, '/Users/4f1c0de0-0000-4000-8000-000000000000', body), 404);
    }
  });

  it('a body over the limit is 413', async () => {
    expectError(
      await scim.request('POST', '/Users', {
        ...entraUser('big@contoso.com'),
        displayName: 'x'.repeat(300 * 1024),
      }),
      413,
    );
  });

  it('If-Match with a stale version is 412; If-None-Match with the current one is 304', async () => {
    const current = await scim.request('GET', `/Users/${id}`);
    const etag = current.headers.get('etag') ?? '';
    const stale = await scim.request(
      'PATCH',
      `/Users/${id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] },
      { 'If-Match': 'W/"999"' },
    );
    expectError(stale, 412);
    expectError(await scim.request('DELETE', `/Users/${id}`, undefined, { 'If-Match': 'W/"999"' }), 412);
    const notModified = await fetch(`${scim.runtime.baseUrl}/Users/${id}`, {
      headers: { Authorization: `Bearer ${scim.runtime.token}`, 'If-None-Match': etag },
    });
    expect(notModified.status).toBe(304);
    const fresh = await scim.request('GET', `/Users/${id}`, undefined, { 'If-None-Match': 'W/"999"' });
    expect(fresh.status).toBe(200);
  });

  it('startIndex or count that is not an integer is 400 invalidValue', async () => {
    expectError(await scim.request('GET', '/Users?count=ten'), 400, 'invalidValue');
  });
});
