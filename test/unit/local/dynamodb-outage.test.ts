/**
 * While `npm start`'s DynamoDB Local is down, SCIM requests get 503 with Retry-After as a SCIM
 * error, never the 500 the handler gives when its database does not answer.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { answerOutagesWith503, type DynamoDbLocalHealth } from '../../../local/dynamodb-outage.ts';

const event = {} as APIGatewayProxyEvent;
const context = {} as Context;
const answer = (statusCode: number): APIGatewayProxyResult => ({ statusCode, body: '{}' });

function health(state: { available: boolean; answering: boolean }): DynamoDbLocalHealth & { probes: number } {
  const probe = {
    probes: 0,
    available: () => state.available,
    answering: async () => {
      probe.probes++;
      return state.answering;
    },
  };
  return probe;
}

function expectUnavailable(result: APIGatewayProxyResult): void {
  expect(result.statusCode).toBe(503);
  expect(Number(result.headers?.['Retry-After'])).toBeGreaterThan(0);
  expect(result.headers?.['Content-Type']).toMatch(/^application\/scim\+json/);
  expect(JSON.parse(result.body)).toMatchObject({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: '503',
    detail: expect.stringMatching(/restarting/),
  });
}

describe('answerOutagesWith503', () => {
  it('answers 503 without running the handler while DynamoDB Local is known to be down', async () => {
    let ran = false;
    const handler = answerOutagesWith503(
      async () => {
        ran = true;
        return answer(200);
      },
      health({ available: false, answering: false }),
    );
    expectUnavailable(await handler(event, context));
    expect(ran).toBe(false);
  });

  it('turns the handler’s 500 into 503 when DynamoDB Local does not answer (it died under the request)', async () => {
    const handler = answerOutagesWith503(
      async () => answer(500),
      health({ available: true, answering: false }),
    );
    expectUnavailable(await handler(event, context));
  });

  it('turns a throwing handler into 503 when DynamoDB Local does not answer', async () => {
    const handler = answerOutagesWith503(
      async () => {
        throw new Error('ECONNREFUSED');
      },
      health({ available: true, answering: false }),
    );
    expectUnavailable(await handler(event, context));
  });

  it('leaves a 500 as it is when DynamoDB Local answers, and never probes for a success', async () => {
    const up = health({ available: true, answering: true });
    expect((await answerOutagesWith503(async () => answer(500), up)(event, context)).statusCode).toBe(500);
    expect(up.probes).toBe(1);
    expect((await answerOutagesWith503(async () => answer(201), up)(event, context)).statusCode).toBe(201);
    expect(up.probes).toBe(1);
  });
});
