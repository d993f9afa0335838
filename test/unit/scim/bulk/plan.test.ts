import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BulkService } from '../../../../shared/scim/bulk/bulk-service.ts';
import { planBulk } from '../../../../shared/scim/bulk/plan.ts';
import { parseBulkRequest } from '../../../../shared/scim/bulk/request.ts';
import { describeCall, type EndpointCall, FakeEndpoint } from './fake-endpoint.ts';

/**
 * Golden cases of the ordering rules: what each operation waits for (`after`), and what running
 * the request one operation at a time does: each operation's status, the endpoint calls in the
 * order they happen (bulkIds resolved), and fragments of the error details.
 */
interface PlanCase {
  readonly name: string;
  readonly operations: unknown[];
  readonly expected: {
    readonly after: number[][];
    readonly statuses: string[];
    readonly calls: string[];
    readonly details?: Record<string, string>;
  };
}

const cases = JSON.parse(readFileSync(new URL('./plan.cases.json', import.meta.url), 'utf8')) as PlanCase[];
const ctx = {
  directoryId: 'd',
  actor: { kind: 'token', id: 't' },
  baseUrl: 'https://scim.example/d/scim/v2',
} as const;

describe('Bulk ordering and cycle detection', () => {
  it.each(cases)('$name', async ({ operations, expected }) => {
    const body = { Operations: operations };
    expect(planBulk(parseBulkRequest(body).operations).map(({ after }) => after)).toEqual(expected.after);

    const calls: EndpointCall[] = [];
    const endpoint = new FakeEndpoint(calls);
    const bulk = new BulkService({ '/Users': endpoint, '/Groups': endpoint }, { concurrency: 1 });
    const response = await bulk.run(ctx, body);
    expect(response.Operations.map(({ status }) => status)).toEqual(expected.statuses);
    expect(calls.map(describeCall)).toEqual(expected.calls);
    for (const [index, fragment] of Object.entries(expected.details ?? {}))
      expect(response.Operations[Number(index)]?.response?.detail).toContain(fragment);
  });
});
