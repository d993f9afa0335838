import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Authenticator } from '../auth/authenticator.ts';
import { CONFORMANCE_CREDENTIAL_HEADER } from '../contracts/conformance.ts';
import { DIRECTORY_ID } from '../contracts/routes.ts';
import { logger } from '../observability/logger.ts';
import type { Actor } from '../ports/user-store.ts';
import { ScimError } from '../scim/errors.ts';
import { headerValue } from './scim-body.ts';

export type WithScimCaller = { scimCaller?: { directoryId: string; actor: Actor } };

/**
 * Authenticates the bearer credential against the directory named in the path. The directory id
 * the handlers use comes from here, after the credential was accepted by that directory, so a
 * credential of directory A can never act on directory B. Every refusal of the credential is
 * the same 401 (the reason goes to the log, never to the caller); a valid credential without
 * the required scope or client id is 403; a JWT that cannot be checked because the directory's
 * JWKS is unreachable is 503 with `Retry-After`.
 *
 * @example
 * middy(handler).use(authenticate(new Authenticator({ tokens, directories })));
 */
export function authenticate(
  authenticator: Authenticator,
): middy.MiddlewareObj<APIGatewayProxyEvent & WithScimCaller, APIGatewayProxyResult> {
  const before: middy.MiddlewareFn<APIGatewayProxyEvent & WithScimCaller, APIGatewayProxyResult> =
    async function authenticateBearer(request) {
      const { event } = request;
      const directoryId = event.pathParameters?.directoryId;
      const authorization = headerValue(event.headers, 'authorization');
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (!directoryId || !DIRECTORY_ID.test(directoryId) || !bearer) {
        // Log keys only: the header itself is a credential.
        logger.warn('Authentication refused', { reason: bearer ? 'BadDirectoryId' : 'NoBearer' });
        throw unauthorized();
      }
      const result = await authenticator.authenticate(directoryId, bearer, new Date());
      if (result.outcome === 'unavailable') {
        // Not the caller's fault: an ERROR line, so the operator sees the outage, not bad tokens.
        logger.error('JWKS unavailable: JWT not verified', { directoryId, reason: result.reason });
        throw unavailable(result.retryAfterSeconds);
      }
      if (result.outcome !== 'ok') {
        logger.warn('Authentication refused', {
          directoryId,
          outcome: result.outcome,
          reason: result.reason,
        });
        throw result.outcome === 'forbidden' ? forbidden() : unauthorized();
      }
      event.scimCaller = { directoryId, actor: result.actor };
      logger.appendKeys({ directoryId, credential: `${result.actor.kind}:${result.actor.id}` });
    };
  const forget: middy.MiddlewareFn<APIGatewayProxyEvent & WithScimCaller, APIGatewayProxyResult> =
    async function forgetCaller() {
      // The logger lives at module scope: one request's keys must not leak into the next one's lines.
      logger.removeKeys(['directoryId', 'credential']);
    };
  const after: middy.MiddlewareFn<APIGatewayProxyEvent & WithScimCaller, APIGatewayProxyResult> =
    async function tellConformanceCredential(request) {
      // scim-check runs only when the service confirms its users will be test users.
      if (request.event.scimCaller?.actor.purpose === 'conformance' && request.response)
        request.response.headers = { ...request.response.headers, [CONFORMANCE_CREDENTIAL_HEADER]: 'true' };
      await forget(request);
    };
  return { before, after, onError: forget };
}

function unauthorized(): ScimError {
  return new ScimError(
    401,
    undefined,
    'Authentication failed: send the bearer token issued for this directory.',
    { headers: { 'WWW-Authenticate': 'Bearer realm="scim"' } },
  );
}

/** The IdP retries a 503 after `Retry-After` (RFC 9110 §15.6.4); a 401 would look like a bad credential. */
function unavailable(retryAfterSeconds: number): ScimError {
  return new ScimError(
    503,
    undefined,
    "The directory's OAuth signing keys (JWKS) cannot be fetched right now: retry later.",
    { headers: { 'Retry-After': String(retryAfterSeconds) } },
  );
}

/** RFC 6750 §3.1: a valid token without the privileges the resource needs. */
function forbidden(): ScimError {
  return new ScimError(403, undefined, 'The credential is valid but not allowed here (scope or client).', {
    headers: { 'WWW-Authenticate': 'Bearer realm="scim", error="insufficient_scope"' },
  });
}
