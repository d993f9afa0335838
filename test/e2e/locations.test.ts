import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraUser, startTestScim, type TestScim } from '../support/scim-client.ts';

const SPOOFED = { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' };

/**
 * Where a resource lives (Location, meta.location, Bulk locations) is told from the address the
 * server answers on, never from headers the client sends: a client must not be able to point
 * other readers of a resource at a host of its choosing.
 */
describe('locations', () => {
  let scim: TestScim;
  beforeAll(async () => {
    scim = await startTestScim({ events: false });
  });
  afterAll(() => scim.close());

  it('ignores X-Forwarded-Host and X-Forwarded-Proto in Location and meta.location', async () => {
    const created = await scim.request('POST', '/Users', entraUser('spoof@contoso.com'), SPOOFED);
    expect(created.status).toBe(201);
    const expected = `${scim.runtime.baseUrl}/Users/${created.body.id}`;
    expect(created.headers.get('location')).toBe(expected);
    expect(created.body.meta.location).toBe(expected);
    const read = await scim.request('GET', `/Users/${created.body.id}`, undefined, SPOOFED);
    expect(read.body.meta.location).toBe(expected);
    const listed = await scim.request('GET', '/Users?count=1', undefined, SPOOFED);
    expect(listed.body.Resources[0].meta.location).toMatch(new RegExp(`^${scim.runtime.baseUrl}/Users/`));
    const group = await scim.request('POST', '/Groups', { displayName: 'Spoofed' }, SPOOFED);
    expect(group.headers.get('location')).toBe(`${scim.runtime.baseUrl}/Groups/${group.body.id}`);
  });

  it('ignores X-Forwarded-Host in the locations of a Bulk response and of discovery', async () => {
    const bulk = await scim.request(
      'POST',
      '/Bulk',
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'a', data: entraUser('bulk-spoof@contoso.com') },
        ],
      },
      SPOOFED,
    );
    expect(bulk.body.Operations[0].location).toMatch(new RegExp(`^${scim.runtime.baseUrl}/Users/`));
    const config = await scim.request('GET', '/ServiceProviderConfig', undefined, SPOOFED);
    expect(config.body.meta.location).toBe(`${scim.runtime.baseUrl}/ServiceProviderConfig`);
  });

  it('ignores the Host header the client sent', async () => {
    const url = new URL(`${scim.runtime.baseUrl}/Users`);
    const reply = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      const request = httpRequest(
        url,
        {
          method: 'POST',
          headers: {
            Host: 'evil.example',
            Authorization: `Bearer ${scim.runtime.token}`,
            'Content-Type': 'application/scim+json',
          },
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, location: response.headers.location }),
          );
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify(entraUser('host-spoof@contoso.com')));
    });
    expect(reply.status).toBe(201);
    expect(reply.location).toMatch(new RegExp(`^${scim.runtime.baseUrl}/Users/`));
  });
});
