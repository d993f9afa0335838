/**
 * The SQS side: one batch with a revocation, a vendor outage, a permanent failure and an
 * unreadable message answers exactly the retryable one as a batch item failure, delays it by the
 * backoff, and dead-letters the others with their errors recorded.
 */
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webhook from '../../../functions/connectors/webhook/connector.ts';
import { startWebhookFake } from '../../../local/fakes/webhook.ts';
import { DynamoRevocationLedger } from '../../../shared/adapters/dynamodb/revocation-ledger.ts';
import { prepareConnector } from '../../../shared/connectors/prepare.ts';
import {
  type ConnectorQueue,
  createConnectorQueueHandler,
  eventOfMessage,
} from '../../../shared/connectors/queue-handler.ts';
import type { PreparedConnector } from '../../../shared/connectors/runtime.ts';
import { noGroups } from '../../../shared/connectors/scope.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { sqsRecordOf, userEvent } from '../../support/lifecycle-events.ts';
import { NO_VENDOR_RETRIES, sampleConnector } from '../../support/sample-connector.ts';
import { SAMPLE_VENDOR_TOKEN, type SampleVendor, startSampleVendor } from '../../support/sample-vendor.ts';

const table = useDynamoTable();
let vendor: SampleVendor;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  vendor = await startSampleVendor();
});
afterAll(() => vendor.close());

describe('createConnectorQueueHandler', () => {
  it('reports only retryable failures to SQS and dead-letters the rest', async () => {
    const ledger = new DynamoRevocationLedger(table.document, table.evidenceTableName);
    const deadLetters: { messageId: string; reason: string }[] = [];
    const delays: { messageId: string; seconds: number }[] = [];
    const queue: ConnectorQueue = {
      deadLetter: async (record: SQSRecord, reason) => {
        deadLetters.push({ messageId: record.messageId, reason });
      },
      delay: async (record, seconds) => {
        delays.push({ messageId: record.messageId, seconds });
      },
    };
    // The vendor refuses the token only for a second connector instance.
    const connector = (token: string) =>
      prepareConnector({
        definition: sampleConnector,
        settings: { apiBaseUrl: vendor.url },
        scope: 'everyone',
        secrets: async () => ({ apiToken: token }),
        vendorHttp: NO_VENDOR_RETRIES,
      }) as PreparedConnector;
    const handler = (token: string) =>
      createConnectorQueueHandler({
        connector: connector(token),
        runtime: { ledger, groups: noGroups, log: silent, leaseMs: 60_000 },
        queue,
        maxReceiveCount: 5,
        backoff: { baseSeconds: 30, maxSeconds: 900 },
        log: silent,
      });

    vendor.seed('ok@example.com');
    vendor.seed('down@example.com');
    const ok = sqsRecordOf(
      userEvent('user.deactivated', { userId: 'ok', userName: 'ok@example.com', sequence: 2 }),
      { messageId: 'ok' },
    );
    const down = sqsRecordOf(
      userEvent('user.deactivated', { userId: 'down', userName: 'down@example.com', sequence: 2 }),
      {
        messageId: 'down',
        receiveCount: 2,
      },
    );
    const garbage = {
      ...ok,
      messageId: 'garbage',
      body: '{"detail-type":"user.deactivated","source":"x","detail":{}}',
    };
    // `down` is processed while the vendor fails its first request.
    vendor.outage(1);
    const outage = await handler(SAMPLE_VENDOR_TOKEN)({ Records: [down] });
    expect(outage.batchItemFailures).toEqual([{ itemIdentifier: 'down' }]);
    expect(delays).toHaveLength(1);
    // Second delivery: between half and all of 30 s * 2.
    expect(delays[0]?.seconds).toBeGreaterThanOrEqual(30);
    expect(delays[0]?.seconds).toBeLessThanOrEqual(60);

    const batch = await handler(SAMPLE_VENDOR_TOKEN)({ Records: [ok, garbage] });
    expect(batch.batchItemFailures).toEqual([]);
    expect(deadLetters.map((letter) => letter.messageId)).toEqual(['garbage']);
    expect(deadLetters[0]?.reason).toMatch(/does not match the catalogue/);

    const refused = sqsRecordOf(userEvent('user.deactivated', { userId: 'refused', sequence: 2 }), {
      messageId: 'refused',
    });
    vendor.seed('refused@example.com');
    expect((await handler('wrong')({ Records: [refused] })).batchItemFailures).toEqual([]);
    expect(deadLetters.map((letter) => letter.messageId)).toEqual(['garbage', 'refused']);
    const state = await ledger.application('default', 'refused', 'acme-chat');
    expect(state).toMatchObject({
      status: 'failed_permanent',
      error: 'Acme Chat refused the API token (401).',
    });
    expect(state?.deadLetteredAt).toBeDefined();
    const kinds = (await ledger.userLedger('default', 'refused')).history.map((entry) => entry.kind);
    expect(kinds).toEqual(['failed_permanent', 'dead_lettered']);
    // A redelivery of the dead-lettered message does not forward it again.
    await handler('wrong')({ Records: [{ ...refused, messageId: 'refused-again' }] });
    expect(deadLetters).toHaveLength(2);
    expect((await ledger.application('default', 'ok', 'acme-chat'))?.status).toBe('revoked');
  });

  it("delays the redelivery by the vendor's Retry-After when it is longer than the backoff", async () => {
    const receiver = await startWebhookFake();
    try {
      const { settings, secrets } = receiver.connectorConfig();
      const delays: number[] = [];
      const handler = createConnectorQueueHandler({
        connector: prepareConnector({
          definition: webhook,
          settings,
          scope: 'everyone',
          secrets: async () => secrets,
        }) as PreparedConnector,
        runtime: {
          ledger: new DynamoRevocationLedger(table.document, table.evidenceTableName),
          groups: noGroups,
          log: silent,
          leaseMs: 60_000,
        },
        queue: {
          deadLetter: async () => undefined,
          delay: async (_record, seconds) => {
            delays.push(seconds);
          },
        },
        maxReceiveCount: 5,
        backoff: { baseSeconds: 30, maxSeconds: 900 },
        log: silent,
      });
      // Ten minutes is longer than the invocation may wait: the client gives up at once.
      receiver.failNext(1, { status: 429, retryAfter: 600 });
      const leaver = sqsRecordOf(userEvent('user.deactivated', { userId: 'throttled', sequence: 2 }), {
        messageId: 'throttled',
      });
      expect((await handler({ Records: [leaver] })).batchItemFailures).toEqual([
        { itemIdentifier: 'throttled' },
      ]);
      expect(delays).toEqual([600]);
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('reads the lifecycle event out of the EventBridge envelope, and says why when it cannot', () => {
    const event = userEvent('user.deleted', { sequence: 4 });
    expect(eventOfMessage(sqsRecordOf(event).body)).toEqual({ ok: true, event });
    expect(eventOfMessage('not json')).toEqual({ ok: false, error: 'The message body is not JSON.' });
    expect(eventOfMessage('{"a":1}')).toEqual({
      ok: false,
      error: 'The message is not an EventBridge event.',
    });
  });
});
