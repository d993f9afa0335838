import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { BULK_LIMITS } from '../../../shared/scim/bulk/limits.ts';

/**
 * What a client throttled by the stage is told to wait: the stage limit is a token bucket refilled
 * every second, so one second is when the next request can be accepted.
 */
export const GATEWAY_RETRY_AFTER_SECONDS = 1;

interface ScimGatewayError {
  readonly type: ResponseType;
  readonly status: number;
  readonly detail: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Errors that API Gateway answers itself, before any function runs. SCIM clients expect every
 * error as RFC 7644 §3.12 JSON, so these get the same body shape the functions write.
 */
const gatewayErrors: readonly ScimGatewayError[] = [
  {
    // The only required request parameter is the Authorization header (see ScimApi): a request
    // without one gets the same 401 the functions give for a wrong token.
    type: ResponseType.BAD_REQUEST_PARAMETERS,
    status: 401,
    detail: 'Authentication failed: send the bearer token issued for this directory.',
    headers: { 'WWW-Authenticate': 'Bearer realm="scim"' },
  },
  {
    type: ResponseType.THROTTLED,
    status: 429,
    detail: `Too many requests: retry after ${GATEWAY_RETRY_AFTER_SECONDS} second.`,
    // As the functions' own per-directory 429 does (RFC 7231 §7.1.3): IdPs back off by it.
    headers: { 'Retry-After': String(GATEWAY_RETRY_AFTER_SECONDS) },
  },
  // API Gateway answers an unknown path or method with 403 "Missing Authentication Token".
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, status: 404, detail: 'No such SCIM endpoint.' },
  // A REST API takes bodies up to 10 MB, far above every route's own limit (the largest is Bulk's
  // maxPayloadSize), which the functions enforce with a 413 that names it. Only a body above
  // 10 MB is refused here, before any function runs.
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    status: 413,
    detail: `The request body is larger than this API accepts; the largest is POST /Bulk at maxPayloadSize ${BULK_LIMITS.maxPayloadSize} bytes.`,
  },
];

/**
 * Adds the SCIM-shaped gateway responses to an API.
 *
 * @example
 * addScimGatewayResponses(api);
 */
export function addScimGatewayResponses(api: RestApi): void {
  for (const { type, status, detail, headers = {} } of gatewayErrors) {
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: String(status),
      detail,
    };
    api.addGatewayResponse(`Scim${type.responseType}`, {
      type,
      statusCode: String(status),
      // Header values are API Gateway expressions: literals go in single quotes.
      responseHeaders: Object.fromEntries(
        Object.entries({ 'Content-Type': 'application/scim+json', ...headers }).map(([name, value]) => [
          name,
          `'${value}'`,
        ]),
      ),
      templates: { 'application/json': JSON.stringify(body) },
    });
  }
}
