/**
 * What a client sees while `npm start`'s DynamoDB Local is restarting: 503 with Retry-After, as
 * a SCIM error, instead of the 500 a handler gives when its database does not answer. An IdP
 * retries a 503 later (Entra ID and Okta both do); a 500 reads as a fault of ours.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { scimResponse } from '../shared/http/response.ts';
import { ScimError } from '../shared/scim/errors.ts';

/** How the runtime learns that DynamoDB Local is down (see local/dynamodb-supervisor.ts). */
export interface DynamoDbLocalHealth {
  /** False while DynamoDB Local is known to be down. */
  available(): boolean;
  /** Asks DynamoDB Local: false when it does not answer (it may have died a moment ago). */
  answering(): Promise<boolean>;
}

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Long enough for a JVM to start again on a busy laptop. */
const RETRY_AFTER_SECONDS = 10;

/**
 * `handler`, answering 503 + Retry-After when DynamoDB Local is down as the request arrives, or
 * when the handler failed (a 5xx) and DynamoDB Local does not answer: the JVM died under it, maybe
 * a moment before its death is noticed. A 5xx with DynamoDB Local answering stays what it is.
 *
 * @example
 * const guarded = answerOutagesWith503(handler, dynamo);
 */
export function answerOutagesWith503(handler: Handler, health: DynamoDbLocalHealth): Handler {
  return async (event, context) => {
    if (!health.available()) return unavailable();
    try {
      const result = await handler(event, context);
      return result.statusCode >= 500 && !(await health.answering()) ? unavailable() : result;
    } catch (error) {
      if (!(await health.answering())) return unavailable();
      throw error;
    }
  };
}

function unavailable(): APIGatewayProxyResult {
  const error = ScimError.unavailable(
    'The local database (DynamoDB Local) is restarting. Send the request again.',
    RETRY_AFTER_SECONDS,
  );
  return scimResponse(error.status, error.toJSON(), error.headers);
}
