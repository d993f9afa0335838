import type { APIGatewayProxyResult } from 'aws-lambda';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** A SCIM response: JSON body with the SCIM media type (RFC 7644 §3.1). */
export function scimResponse(
  statusCode: number,
  body?: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  if (body === undefined) return { statusCode, headers, body: '' };
  return {
    statusCode,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers },
    body: JSON.stringify(body),
  };
}
