/**
 * The stream relay Lambda: DynamoDB Streams batch in, lifecycle events onto the EventBridge bus.
 * The event source mapping is configured with ReportBatchItemFailures and bisect-on-error; the
 * handler answers which record to retry from (see shared/events/relay.ts).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgePublisher } from '#adapters/eventbridge/event-publisher.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { createRelayHandler } from '#events/relay.ts';
import { logger } from '#http/logger.ts';

const eventBusName = requireEnv(ENV.eventBusName);
const publisher = new EventBridgePublisher(new EventBridgeClient({}), eventBusName);

export const handler = createRelayHandler({ publisher, logger });
