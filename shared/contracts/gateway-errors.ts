/**
 * The errors API Gateway answers itself, before any function runs, as SCIM errors (RFC 7644
 * §3.12). The CDK stack installs them as gateway responses (cdk/lib/constructs/
 * scim-gateway-responses.ts) and the local stand-in answers the same bodies (local/api-gateway.ts),
 * so a client sees the same error from `npm start` as from AWS.
 */
import { BULK_LIMITS } from '../scim/bulk/limits.ts';

/**
 * What a client throttled by the stage is told to wait: the stage limit is a token bucket refilled
 * every second, so one second is when the next request can be accepted.
 */
export const GATEWAY_RETRY_AFTER_SECONDS = 1;

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface GatewayError {
  readonly status: number;
  readonly detail: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export const gatewayErrors = {
  // The only required request parameter is the Authorization header (see ScimApi): a request
  // without one gets the same 401 the functions give for a wrong token.
  missingAuthorization: {
    status: 401,
    detail: 'Authentication failed: send the bearer token issued for this directory.',
    headers: { 'WWW-Authenticate': 'Bearer realm="scim"' },
  },
  throttled: {
    status: 429,
    detail: `Too many requests: retry after ${GATEWAY_RETRY_AFTER_SECONDS} second.`,
    // As the functions' own per-directory 429 does (RFC 9110 §10.2.3): IdPs back off by it.
    headers: { 'Retry-After': String(GATEWAY_RETRY_AFTER_SECONDS) },
  },
  // API Gateway answers an unknown path, or a method a path does not have, with 403 "Missing
  // Authentication Token": a SCIM client gets the 404 of an endpoint that does not exist.
  unknownEndpoint: { status: 404, detail: 'No such SCIM endpoint.' },
  // A REST API takes bodies up to 10 MB, far above every route's own limit (the largest is Bulk's
  // maxPayloadSize), which the functions enforce with a 413 that names it. Only a body above
  // 10 MB is refused here, before any function runs.
  requestTooLarge: {
    status: 413,
    detail: `The request body is larger than this API accepts; the largest is POST /Bulk at maxPayloadSize ${BULK_LIMITS.maxPayloadSize} bytes.`,
  },
} as const satisfies Record<string, GatewayError>;

/**
 * The body and headers of a gateway error, as API Gateway sends them.
 *
 * @example
 * const { body, headers } = gatewayErrorResponse(gatewayErrors.unknownEndpoint);
 */
export function gatewayErrorResponse(error: GatewayError): {
  body: { schemas: string[]; status: string; detail: string };
  headers: Record<string, string>;
} {
  return {
    body: { schemas: [SCIM_ERROR_SCHEMA], status: String(error.status), detail: error.detail },
    headers: { 'Content-Type': 'application/scim+json', ...(error.headers ?? {}) },
  };
}
