import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, startTestScim, type TestScim } from '../support/scim-client.ts';

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/**
 * What no endpoint serves gets a SCIM error (RFC 7644 §3.12) from `npm start` exactly as from
 * the deployed API, whose gateway responses answer unknown paths and methods: JSON of the SCIM
 * error schema, `application/scim+json`, the status as a string.
 */
describe('requests no endpoint serves', () => {
  let scim: TestScim;
  beforeAll(async () => {
    scim = await startTestScim({ events: false });
  });
  afterAll(() => scim.close());

  it('a search at the server root is 501 Not Implemented, as a SCIM error', async () => {
    const reply = await scim.request('POST', '/.search', {
      schemas: [SEARCH_REQUEST],
      filter: 'displayName sw "A"',
    });
    expect(reply.status).toBe(501);
    expect(reply.headers.get('content-type')).toContain('application/scim+json');
    expect(reply.body).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '501',
      detail: expect.stringContaining('/Users/.search'),
    });
  });

  it('an unknown path, or a method a path does not have, is the 404 of the deployed API', async () => {
    for (const [method, path] of [
      ['GET', '/Nothing'],
      ['GET', '/Users/abc/extra'],
      ['DELETE', '/Users'],
      ['GET', '/Users/.search'],
      ['GET', '/.search'],
      ['PUT', '/Bulk'],
    ] as const) {
      const reply = await scim.request(method, path);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.headers.get('content-type'), `${method} ${path}`).toBe('application/scim+json');
      expect(reply.body, `${method} ${path}`).toEqual({
        schemas: [ERROR_SCHEMA],
        status: '404',
        detail: 'No such SCIM endpoint.',
      });
    }
  });
});
