/**
 * The stream relay Lambda: DynamoDB Streams batch in, lifecycle events onto the EventBridge bus.
 * The event source mapping is configured with ReportBatchItemFailures and bisect-on-error; the
 * handler answers which record to retry from (see shared/events/relay.ts).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import { EventBridgePublisher } from '#adapters/eventbridge/event-publisher.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { createRelayHandler } from '#events/relay.ts';
import { logger } from '#observability/logger.ts';

const eventBusName = requireEnv(ENV.eventBusName);
const publisher = new EventBridgePublisher(new EventBridgeClient({}), eventBusName);

// The Lambda request id on every log line of an invocation, so one failed batch can be followed.
export const handler = middy(createRelayHandler({ publisher, logger })).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
