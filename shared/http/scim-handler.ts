import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Authenticator } from '../auth/authenticator.ts';
import { SCIM_BASE } from '../contracts/routes.ts';
import { logger } from '../observability/logger.ts';
import type { RateLimiter } from '../ports/rate-limiter.ts';
import { ScimError } from '../scim/errors.ts';
import type { ScimRequestContext } from '../scim/request-context.ts';
import { authenticate, type WithScimCaller } from './authenticate.ts';
import { headerValue, scimBody, type WithScimBody } from './scim-body.ts';
import { scimErrors } from './scim-errors.ts';
import { throttle } from './throttle.ts';

/** What a route sees: the authenticated context and the request, already parsed. */
export interface ScimHttpRequest {
  readonly ctx: ScimRequestContext;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly header: (name: string) => string | undefined;
  readonly body: unknown;
  /** Milliseconds left before Lambda stops the invocation (Infinity when there is no Lambda context). */
  readonly remainingTimeMs: () => number;
}

export type ScimRoute = (request: ScimHttpRequest) => Promise<APIGatewayProxyResult>;

/** Routes keyed as `METHOD /Path` relative to the SCIM base, e.g. `GET /Users/{id}`. */
export type ScimRoutes = Readonly<Record<string, ScimRoute>>;

type ScimEvent = APIGatewayProxyEvent & WithScimBody & WithScimCaller;

/**
 * A Lambda handler serving SCIM routes: errors as RFC 7644 JSON, bearer authentication bound to
 * the directory in the path, per-directory throttling, JSON bodies parsed, then the route for
 * the API Gateway resource.
 *
 * @example
 * export const handler = scimHandler({ 'GET /Users': listUsers }, tableAuth(client, tableName));
 */
export function scimHandler(
  routes: ScimRoutes,
  auth: { readonly authenticator: Authenticator; readonly limiter: RateLimiter },
) {
  const dispatch = async (event: ScimEvent, context?: Context): Promise<APIGatewayProxyResult> => {
    const key = `${event.httpMethod} ${event.resource.replace(SCIM_BASE, '')}`;
    const route = routes[key];
    if (!route) throw new ScimError(404, undefined, `No SCIM endpoint ${key}.`);
    if (!event.scimCaller) throw new ScimError(401, undefined, 'Authentication failed.');
    return route({
      ctx: { ...event.scimCaller, baseUrl: baseUrlOf(event, event.scimCaller.directoryId) },
      pathParameters: event.pathParameters ?? {},
      query: event.queryStringParameters ?? {},
      header: (name) => headerValue(event.headers, name),
      body: event.scimBody,
      remainingTimeMs: () =>
        typeof context?.getRemainingTimeInMillis === 'function'
          ? context.getRemainingTimeInMillis()
          : Number.POSITIVE_INFINITY,
    });
  };
  return (
    middy<ScimEvent, APIGatewayProxyResult>()
      // Every log line of the request carries the Lambda request id; the directory id is appended
      // once authenticated, and both are cleared before the next request.
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(scimErrors())
      .use(authenticate(auth.authenticator))
      .use(throttle(auth.limiter))
      .use(scimBody())
      .handler(dispatch)
  );
}

/**
 * The directory's SCIM base URL, for meta.location and Location headers: the domain API Gateway
 * served the request on (`requestContext.domainName`: the stage's execute-api domain or the
 * custom domain) and the path before the directory (the stage, or a custom domain's base path).
 * Never a header the client sent (Host, X-Forwarded-Host, X-Forwarded-Proto): a client must not
 * choose where other clients are told a resource lives. API Gateway answers only HTTPS, on 443,
 * so its domain names carry no port; the local stand-in passes its listening address, host:port,
 * served over plain HTTP.
 */
function baseUrlOf(event: APIGatewayProxyEvent, directoryId: string): string {
  const domain = event.requestContext?.domainName ?? 'localhost';
  const scheme = /:\d+$/.test(domain) ? 'http' : 'https';
  const path = event.requestContext?.path ?? event.path;
  const marker = `/${directoryId}/scim/v2`;
  const at = path.indexOf(marker);
  const prefix = at >= 0 ? path.slice(0, at) : '';
  return `${scheme}://${domain}${prefix}${marker}`;
}
