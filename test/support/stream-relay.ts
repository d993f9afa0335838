/**
 * The real event path for tests below HTTP: the test table's stream (DynamoDB Local), read from
 * its start, through the relay handler onto a local bus that routes by the CDK rules' patterns.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LocalEventBus } from '../../local/event-bus.ts';
import { type StreamPoller, startStreamPoller } from '../../local/stream-poller.ts';
import { createRelayHandler } from '../../shared/events/relay.ts';
import type { TestTable } from './dynamo.ts';

/**
 * @example
 * const poller = await relayStreamToBus(table, bus); // ... later: await poller.stop();
 */
export function relayStreamToBus(table: TestTable, bus: LocalEventBus): Promise<StreamPoller> {
  return startStreamPoller({
    endpoint: table.endpoint,
    tableName: table.tableName,
    startFrom: 'TRIM_HORIZON',
    handler: createRelayHandler({
      publisher: bus,
      logger: new Logger({ serviceName: 'event-relay', logLevel: 'ERROR' }),
    }),
  });
}
