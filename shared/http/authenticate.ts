import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { TokenStore } from '../ports/token-store.ts';
import type { Actor } from '../ports/user-store.ts';
import { ScimError } from '../scim/errors.ts';
import { headerValue } from './scim-body.ts';

export type WithScimCaller = { scimCaller?: { directoryId: string; actor: Actor } };

/** Directory ids appear in URLs and keys: letters, digits, dash and underscore. */
export const DIRECTORY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Authenticates the bearer token against the directory named in the path. The directory id the
 * handlers use comes from here, after the token was found among that directory's tokens, so a
 * token of directory A can never act on directory B. Every refusal is the same 401.
 */
export function authenticate(
  tokens: TokenStore,
): middy.MiddlewareObj<APIGatewayProxyEvent & WithScimCaller, APIGatewayProxyResult> {
  const before: middy.MiddlewareFn<APIGatewayProxyEvent & WithScimCaller, APIGatewayProxyResult> = async (
    request,
  ) => {
    const { event } = request;
    const directoryId = event.pathParameters?.directoryId;
    const authorization = headerValue(event.headers, 'authorization');
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!directoryId || !DIRECTORY_ID.test(directoryId) || !token) throw unauthorized();
    const actor = await tokens.authenticate(directoryId, token, new Date());
    if (!actor) throw unauthorized();
    event.scimCaller = { directoryId, actor };
  };
  return { before };
}

function unauthorized(): ScimError {
  return new ScimError(
    401,
    undefined,
    'Authentication failed: send the bearer token issued for this directory.',
    {
      headers: { 'WWW-Authenticate': 'Bearer realm="scim"' },
    },
  );
}
