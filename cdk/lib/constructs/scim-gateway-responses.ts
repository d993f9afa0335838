import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  type GatewayError,
  gatewayErrorResponse,
  gatewayErrors,
} from '../../../shared/contracts/gateway-errors.ts';

/**
 * Errors that API Gateway answers itself, before any function runs. SCIM clients expect every
 * error as RFC 7644 §3.12 JSON, so these get the same body shape the functions write (the
 * bodies, shared with the local stand-in, are in shared/contracts/gateway-errors.ts).
 */
const gatewayResponses: readonly (GatewayError & { readonly type: ResponseType })[] = [
  { type: ResponseType.BAD_REQUEST_PARAMETERS, ...gatewayErrors.missingAuthorization },
  { type: ResponseType.THROTTLED, ...gatewayErrors.throttled },
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, ...gatewayErrors.unknownEndpoint },
  { type: ResponseType.REQUEST_TOO_LARGE, ...gatewayErrors.requestTooLarge },
];

/**
 * Adds the SCIM-shaped gateway responses to an API.
 *
 * @example
 * addScimGatewayResponses(api);
 */
export function addScimGatewayResponses(api: RestApi): void {
  for (const error of gatewayResponses) {
    const { body, headers } = gatewayErrorResponse(error);
    api.addGatewayResponse(`Scim${error.type.responseType}`, {
      type: error.type,
      statusCode: String(error.status),
      // Header values are API Gateway expressions: literals go in single quotes.
      responseHeaders: Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, `'${value}'`]),
      ),
      templates: { 'application/json': JSON.stringify(body) },
    });
  }
}
