import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../observability/logger.ts';
import { ScimError } from '../scim/errors.ts';
import { scimResponse } from './response.ts';

/**
 * Turns errors into RFC 7644 §3.12 responses. Only ScimError reaches the client as written;
 * anything else is an outage: a fixed 500 body and a log line. It is never a 404, because an
 * outage must not look like "user gone" to an IdP or in leaver evidence.
 */
export function scimErrors(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const onError: middy.MiddlewareFn<APIGatewayProxyEvent, APIGatewayProxyResult> = async (request) => {
    const { error } = request;
    if (error instanceof ScimError) {
      // A 5xx the client is told to retry still has a cause an operator needs (SQS unreachable).
      if (error.status >= 500)
        logger.error('SCIM request failed', {
          status: error.status,
          detail: error.detail,
          ...(error.cause instanceof Error
            ? { cause: { name: error.cause.name, message: error.cause.message } }
            : {}),
        });
      request.response = scimResponse(error.status, error.toJSON(), error.headers);
      return;
    }
    logger.error('Unhandled error', {
      error:
        error instanceof Error
          ? { name: error.name, message: error.message, stack: error.stack }
          : String(error),
    });
    request.response = scimResponse(
      500,
      new ScimError(500, undefined, 'Internal server error. The request may be retried.').toJSON(),
    );
  };
  return { onError };
}
