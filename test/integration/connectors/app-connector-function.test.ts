/**
 * The connector function as deployed (functions/app-connector.ts): configured only by its
 * environment, reading its credentials from Secrets Manager (a local fake of GetSecretValue) and
 * writing the ledger on DynamoDB Local. What an operator sees of it: the outcome in the ledger and
 * the CloudWatch metrics (EMF lines) that the failure-rate alarm and the dashboard read.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookFake, type WebhookFake } from '../../../local/fakes/webhook.ts';
import { DynamoRevocationLedger } from '../../../shared/adapters/dynamodb/revocation-ledger.ts';
import { connectorMetrics } from '../../../shared/connectors/outcome-metrics.ts';
import { ENV } from '../../../shared/contracts/env.ts';
import { type SecretsManagerFake, startSecretsManagerFake } from '../../fakes/secrets-manager.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { sqsRecordOf, userEvent } from '../../support/lifecycle-events.ts';

const table = useDynamoTable();
const NAMESPACE = 'ScimConnector/test';
let receiver: WebhookFake;
let secrets: SecretsManagerFake;
let handler: typeof import('../../../functions/app-connector.ts')['handler'];

interface EmfLine {
  readonly _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
  readonly service: string;
  readonly [metric: string]: unknown;
}

/** What the function printed to stdout while `run` ran: its log lines and its EMF metric lines. */
async function captureStdout(run: () => Promise<unknown>): Promise<EmfLine[]> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
  }
  return lines
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    })
    .filter((line): line is EmfLine => '_aws' in line);
}

const lambdaContext = {
  functionName: 'connector-webhook',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

beforeAll(async () => {
  receiver = await startWebhookFake({ unknownUsers: ['ghost@example.com'] });
  secrets = await startSecretsManagerFake();
  const { settings, secrets: credentials } = receiver.connectorConfig();
  Object.assign(process.env, {
    [ENV.tableName]: table.tableName,
    [ENV.evidenceTableName]: table.evidenceTableName,
    [ENV.dynamoEndpoint]: table.endpoint,
    [ENV.connectorId]: 'webhook',
    [ENV.connectorSettings]: JSON.stringify(settings),
    [ENV.connectorScope]: JSON.stringify('everyone'),
    [ENV.connectorSecretArn]: secrets.put('connector-webhook', credentials),
    // No queue behind these: a backoff that cannot be set is logged, and the message is redelivered anyway.
    [ENV.connectorQueueUrl]: 'http://127.0.0.1:9/000000000000/connector',
    [ENV.connectorDeadLetterQueueUrl]: 'http://127.0.0.1:9/000000000000/connector-dlq',
    [ENV.connectorMaxReceiveCount]: '10',
    [ENV.metricsNamespace]: NAMESPACE,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
    AWS_MAX_ATTEMPTS: '1',
  });
  ({ handler } = await import('../../../functions/app-connector.ts'));
});
afterAll(async () => {
  await receiver.close();
  await secrets.close();
});

describe('the deployed connector function', () => {
  it('revokes a leaver with the secret from Secrets Manager and counts the attempt and the revocation', async () => {
    const leaver = userEvent('user.deactivated', { userId: 'u-left', sequence: 2 });
    let response: SQSBatchResponse | undefined;
    const metrics = await captureStdout(async () => {
      response = await handler({ Records: [sqsRecordOf(leaver)] } as SQSEvent, lambdaContext);
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(receiver.received.map((event) => event.eventId)).toEqual([leaver.eventId]);
    const ledger = new DynamoRevocationLedger(table.document, table.evidenceTableName);
    expect((await ledger.application('default', 'u-left', 'webhook'))?.status).toBe('revoked');

    expect(metrics).toHaveLength(1);
    const [line] = metrics;
    expect(line?._aws.CloudWatchMetrics[0]?.Namespace).toBe(NAMESPACE);
    expect(line?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect(line?.service).toBe('connector-webhook');
    expect(line?.[connectorMetrics.attempts]).toBe(1);
    expect(line?.[connectorMetrics.revocations]).toBe(1);
    expect(line?.[connectorMetrics.failures]).toBeUndefined();
  });

  it('counts a vendor outage as a failed attempt and leaves the message for redelivery', async () => {
    receiver.down(60_000, { status: 503, retryAfter: 600 });
    const leaver = userEvent('user.deactivated', { userId: 'u-outage', sequence: 2 });
    const record = sqsRecordOf(leaver);
    let response: SQSBatchResponse | undefined;
    const metrics = await captureStdout(async () => {
      response = await handler({ Records: [record] } as SQSEvent, lambdaContext);
    });
    receiver.down(0);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(metrics.map((line) => [line[connectorMetrics.attempts], line[connectorMetrics.failures]])).toEqual(
      [[1, 1]],
    );
  });

  it('publishes no metric line for an event it only skips', async () => {
    const duplicate = userEvent('user.deactivated', { userId: 'u-left', sequence: 2 });
    const metrics = await captureStdout(() =>
      handler({ Records: [sqsRecordOf(duplicate)] } as SQSEvent, lambdaContext),
    );
    expect(metrics).toEqual([]);
    expect(receiver.received.filter((event) => event.eventId === duplicate.eventId)).toHaveLength(1);
  });
});
