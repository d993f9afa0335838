import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { bodyLimitOf } from '../contracts/routes.ts';
import { ScimError } from '../scim/errors.ts';
import { parseJsonBody } from '../scim/json-body.ts';

const ACCEPTED_TYPES = ['application/scim+json', 'application/json'];

export type WithScimBody = { scimBody?: unknown };

/**
 * Parses a JSON request body into `event.scimBody`. Accepts application/scim+json and
 * application/json (RFC 7644 §3.1); malformed JSON, a body nested too deep or holding ill-formed
 * Unicode is a 400 (`parseJsonBody`), never a 500, whatever the route. A body
 * above its route's limit (`bodyLimit` in shared/contracts/routes.ts, 256 KiB unless the route
 * says otherwise; docs/limits.md) is refused with 413 before parsing.
 */
export function scimBody(): middy.MiddlewareObj<APIGatewayProxyEvent & WithScimBody, APIGatewayProxyResult> {
  const before: middy.MiddlewareFn<APIGatewayProxyEvent & WithScimBody, APIGatewayProxyResult> = async (
    request,
  ) => {
    const { event } = request;
    if (event.body === null || event.body === undefined || event.body === '') return;
    const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const bytes = Buffer.byteLength(raw, 'utf8');
    const limit = bodyLimitOf(event.httpMethod, event.resource);
    if (bytes > limit.bytes)
      throw ScimError.tooLarge(`The request body is ${bytes} bytes; ${limit.name} is ${limit.bytes} bytes.`);
    const contentType = headerValue(event.headers, 'content-type');
    const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
    if (mediaType && !ACCEPTED_TYPES.includes(mediaType)) {
      throw new ScimError(
        415,
        'invalidSyntax',
        `Content-Type ${mediaType} is not supported; send application/scim+json.`,
      );
    }
    event.scimBody = parseJsonBody(raw);
  };
  return { before };
}

/** Header look-up by name, case-insensitively (API Gateway keeps the client's casing). */
export function headerValue(
  headers: APIGatewayProxyEvent['headers'] | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers))
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  return undefined;
}
