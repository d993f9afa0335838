import { describe, expect, it } from 'vitest';
import { BulkService } from '../../../../shared/scim/bulk/bulk-service.ts';
import { ScimError } from '../../../../shared/scim/errors.ts';
import type { Projection } from '../../../../shared/scim/projection.ts';
import { describeCall, type EndpointCall, FakeEndpoint } from './fake-endpoint.ts';

const ctx = {
  directoryId: 'd',
  actor: { kind: 'token', id: 't' },
  baseUrl: 'https://scim.example/d/scim/v2',
} as const;
const etag = expect.stringMatching(/^W\/"\d+"$/);
const post = (name: string, data: Record<string, unknown> = {}) => ({
  method: 'POST',
  path: '/Users',
  bulkId: name,
  data: { name, ...data },
});

/** The Bulk executor against in-memory endpoints: parallelism, stopping, and the response entries. */
describe('BulkService', () => {
  it('runs independent operations in parallel, never more than its concurrency at once', async () => {
    let inFlight = 0;
    let most = 0;
    const endpoint = new FakeEndpoint([], {
      delayMs: () => 5,
      onEnter: () => {
        most = Math.max(most, ++inFlight);
      },
      onLeave: () => {
        inFlight--;
      },
    });
    const bulk = new BulkService({ '/Users': endpoint }, { concurrency: 4 });
    const response = await bulk.run(ctx, { Operations: Array.from({ length: 40 }, (_, n) => post(`u${n}`)) });
    expect(response.Operations.every(({ status }) => status === '201')).toBe(true);
    expect(most).toBe(4);
  });

  it('never starts an operation before the POST whose bulkId it uses has finished', async () => {
    const finished = new Set<string>();
    const calls: EndpointCall[] = [];
    const endpoint = new FakeEndpoint(calls, { delayMs: () => Math.random() * 4 });
    const wrapped = {
      ...endpoint,
      create: async (c: typeof ctx, body: unknown, projection: Projection) => {
        const { ref } = body as { ref?: string };
        if (ref) expect(finished.has(ref)).toBe(true);
        const result = await endpoint.create(c, body, projection);
        finished.add(String(result.resource.id));
        return result;
      },
      replace: endpoint.replace.bind(endpoint),
      patch: endpoint.patch.bind(endpoint),
      delete: endpoint.delete.bind(endpoint),
    };
    // u0 is referred to by u1, u1 by u2, ...: listed backwards, among independent creates.
    const chain = Array.from({ length: 20 }, (_, n) =>
      post(`u${n}`, n > 0 ? { ref: `bulkId:u${n - 1}` } : {}),
    );
    const noise = Array.from({ length: 20 }, (_, n) => post(`x${n}`));
    const bulk = new BulkService({ '/Users': wrapped }, { concurrency: 8 });
    const response = await bulk.run(ctx, { Operations: [...chain.reverse(), ...noise] });
    expect(response.Operations.filter(({ status }) => status === '201')).toHaveLength(40);
  });

  it('orders a chain of 1,000 POSTs, each referring to the one listed after it', async () => {
    const calls: EndpointCall[] = [];
    const chain = Array.from({ length: 1000 }, (_, n) =>
      post(`c${n}`, n < 999 ? { ref: `bulkId:c${n + 1}` } : {}),
    );
    const response = await new BulkService({ '/Users': new FakeEndpoint(calls) }).run(ctx, {
      Operations: chain,
    });
    expect(response.Operations.every(({ status }) => status === '201')).toBe(true);
    expect(calls.map(describeCall).slice(0, 3)).toEqual([
      'create c999',
      'create c998 id-c999',
      'create c997 id-c998',
    ]);
  });

  it('answers every POST of a circle of 1,000 bulkIds with 409, without running out of stack', async () => {
    const circle = Array.from({ length: 1000 }, (_, n) =>
      post(`c${n}`, { ref: `bulkId:c${(n + 1) % 1000}` }),
    );
    const response = await new BulkService({ '/Users': new FakeEndpoint() }).run(ctx, { Operations: circle });
    expect(new Set(response.Operations.map(({ status }) => status))).toEqual(new Set(['409']));
  });

  it('with failOnErrors stops starting operations, and leaves those not started out of the response', async () => {
    const calls: EndpointCall[] = [];
    const bulk = new BulkService({ '/Users': new FakeEndpoint(calls) }, { concurrency: 1 });
    const response = await bulk.run(ctx, {
      failOnErrors: 2,
      Operations: [
        post('a'),
        post('b', { fail: 409 }),
        post('c'),
        post('d', { fail: 400 }),
        post('e'),
        post('f'),
      ],
    });
    expect(response.Operations.map(({ bulkId, status }) => `${bulkId} ${status}`)).toEqual([
      'a 201',
      'b 409',
      'c 201',
      'd 400',
    ]);
    expect(calls).toHaveLength(4);
  });

  it('with failOnErrors starts no operation once the errors reach it, also when running in parallel', async () => {
    const calls: EndpointCall[] = [];
    const bulk = new BulkService(
      { '/Users': new FakeEndpoint(calls, { delayMs: () => 2 }) },
      { concurrency: 8 },
    );
    const response = await bulk.run(ctx, {
      failOnErrors: 1,
      Operations: [post('bad', { fail: 400 }), post('good')],
    });
    expect(response.Operations.map(({ bulkId, status }) => `${bulkId} ${status}`)).toEqual(['bad 400']);
    expect(calls).toHaveLength(1);
  });

  it('with failOnErrors keeps no more operations in flight than errors may still happen', async () => {
    let inFlight = 0;
    let most = 0;
    const calls: EndpointCall[] = [];
    const endpoint = new FakeEndpoint(calls, {
      delayMs: () => Math.random() * 3,
      onEnter: () => {
        most = Math.max(most, ++inFlight);
      },
      onLeave: () => {
        inFlight--;
      },
    });
    const operations = Array.from({ length: 30 }, (_, n) => post(`u${n}`, n % 4 === 3 ? { fail: 409 } : {}));
    const response = await new BulkService({ '/Users': endpoint }, { concurrency: 8 }).run(ctx, {
      failOnErrors: 3,
      Operations: operations,
    });
    // Errors at u3, u7, u11: the third ends the request, and nothing after it was started.
    expect(response.Operations.filter(({ status }) => status === '409')).toHaveLength(3);
    expect(calls).toHaveLength(response.Operations.length);
    expect(response.Operations.map(({ bulkId }) => bulkId)).toEqual(
      Array.from({ length: 12 }, (_, n) => `u${n}`),
    );
    expect(most).toBe(3);
  });

  it('answers the operations it had no time to start with 503, and starts none after the deadline', async () => {
    let now = 0;
    const calls: EndpointCall[] = [];
    const endpoint = new FakeEndpoint(calls, { onEnter: () => (now += 10) });
    const bulk = new BulkService({ '/Users': endpoint }, { concurrency: 1, clock: () => now });
    const response = await bulk.run(
      ctx,
      { Operations: [post('a'), post('b'), post('c'), { method: 'DELETE', path: '/Users/u9' }] },
      { deadline: 20 },
    );
    expect(calls).toHaveLength(2);
    expect(response.Operations.map(({ status }) => status)).toEqual(['201', '201', '503', '503']);
    expect(response.Operations[3]).toMatchObject({
      location: `${ctx.baseUrl}/Users/u9`,
      response: { status: '503', detail: expect.stringContaining('Operations[3] was not performed') },
    });
  });

  it('gives a DELETE its deadline, so that a group too large for the request is finished in the background', async () => {
    const calls: EndpointCall[] = [];
    const bulk = new BulkService({ '/Groups': new FakeEndpoint(calls) }, { clock: () => 0 });
    const response = await bulk.run(
      ctx,
      { Operations: [{ method: 'DELETE', path: '/Groups/g1' }] },
      { deadline: 24_000 },
    );
    expect(calls).toEqual([{ method: 'delete', id: 'g1', deadline: 24_000 }]);
    expect(response.Operations.map(({ status }) => status)).toEqual(['204']);
  });

  it('answers an outage in one operation with a fixed 500 entry, reports it, and goes on', async () => {
    const reported: number[] = [];
    const bulk = new BulkService(
      { '/Users': new FakeEndpoint() },
      { onUnexpectedError: (_error, operation) => reported.push(operation.index) },
    );
    const response = await bulk.run(ctx, { Operations: [post('a', { crash: true }), post('b')] });
    expect(response.Operations[0]).toEqual({
      method: 'POST',
      bulkId: 'a',
      status: '500',
      response: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '500',
        detail: 'Internal server error. The operation may be sent again.',
      },
    });
    expect(response.Operations[1]?.status).toBe('201');
    expect(reported).toEqual([0]);
  });

  it('writes each entry as RFC 7644 §3.7.3 shows it: location and version on success, response on failure', async () => {
    const bulk = new BulkService({ '/Users': new FakeEndpoint(), '/Groups': new FakeEndpoint() });
    const response = await bulk.run(ctx, {
      Operations: [
        post('ada'),
        { method: 'PUT', path: '/Users/u1', version: 'W/"1"', data: {} },
        { method: 'PATCH', path: '/Groups/g1', data: { noContent: true } },
        { method: 'DELETE', path: '/Users/bulkId:ada' },
        { method: 'PATCH', path: '/Users/u2', data: { fail: 412 } },
        { method: 'POST', path: '/Devices', bulkId: 'dev', data: {} },
      ],
    });
    expect(response).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'],
      Operations: [
        {
          method: 'POST',
          bulkId: 'ada',
          location: `${ctx.baseUrl}/Users/id-ada`,
          version: etag,
          status: '201',
        },
        { method: 'PUT', location: `${ctx.baseUrl}/Users/u1`, version: etag, status: '200' },
        { method: 'PATCH', location: `${ctx.baseUrl}/Groups/g1`, version: etag, status: '204' },
        { method: 'DELETE', location: `${ctx.baseUrl}/Users/id-ada`, status: '204' },
        {
          method: 'PATCH',
          location: `${ctx.baseUrl}/Users/u2`,
          status: '412',
          response: { schemas: [expect.any(String)], status: '412', detail: 'failed as asked (412)' },
        },
        {
          method: 'POST',
          bulkId: 'dev',
          status: '404',
          response: expect.objectContaining({
            detail: expect.stringContaining('no resource endpoint /Devices'),
          }),
        },
      ],
    });
  });

  it('hands version to the endpoint as If-Match, and asks for no more of the resource than its id', async () => {
    const calls: EndpointCall[] = [];
    const bulk = new BulkService({ '/Users': new FakeEndpoint(calls) });
    await bulk.run(ctx, {
      Operations: [
        { method: 'PATCH', path: '/Users/u1', version: 'W/"7"', data: {} },
        { method: 'DELETE', path: '/Users/u2' },
      ],
    });
    expect(calls).toEqual([
      { method: 'patch', id: 'u1', body: {}, ifMatch: 'W/"7"', attributes: ['id'] },
      { method: 'delete', id: 'u2' },
    ]);
  });

  it('refuses a malformed request as a whole, running nothing', async () => {
    const calls: EndpointCall[] = [];
    const bulk = new BulkService({ '/Users': new FakeEndpoint(calls) });
    await expect(
      bulk.run(ctx, { Operations: [post('a'), { method: 'GET', path: '/Users' }] }),
    ).rejects.toThrow(ScimError);
    expect(calls).toEqual([]);
  });
});
