/**
 * The SCIM HTTP surface: which function serves which method and resource path. The CDK stack
 * builds API Gateway routes from this list and the local runtime serves the same list, so a
 * route cannot exist in one and not the other. Paths are API Gateway resource templates.
 */
import { BULK_LIMITS } from '../scim/bulk/limits.ts';

export const SCIM_BASE = '/{directoryId}/scim/v2';

/** Directory ids appear in URLs and keys: letters, digits, dash and underscore. */
export const DIRECTORY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const scimFunctions = {
  users: {
    entry: 'functions/scim-users.ts',
    description: 'SCIM /Users: list, filter, create, read, replace, patch, delete',
  },
  groups: {
    entry: 'functions/scim-groups.ts',
    description: 'SCIM /Groups: list, filter, create, read, replace, patch membership, delete',
  },
  bulk: {
    entry: 'functions/scim-bulk.ts',
    description: 'SCIM /Bulk: many creates, replaces, patches and deletes in one request',
  },
  discovery: {
    entry: 'functions/scim-discovery.ts',
    description: 'SCIM discovery: ServiceProviderConfig, ResourceTypes, Schemas; root search answered 501',
  },
} as const;

export type ScimFunctionName = keyof typeof scimFunctions;

/** The largest request body a route accepts, and the name the 413 detail gives that limit. */
export interface BodyLimit {
  readonly bytes: number;
  readonly name: string;
}

/** Every route but Bulk: a user is at most 100 KiB, so no single-resource request needs more. */
export const DEFAULT_BODY_LIMIT: BodyLimit = { bytes: 256 * 1024, name: 'the limit' };

export interface ScimRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly resource: string;
  readonly function: ScimFunctionName;
  /** @default DEFAULT_BODY_LIMIT */
  readonly bodyLimit?: BodyLimit;
}

const route = (
  method: ScimRoute['method'],
  path: string,
  fn: ScimFunctionName,
  bodyLimit?: BodyLimit,
): ScimRoute => ({
  method,
  resource: `${SCIM_BASE}${path}`,
  function: fn,
  ...(bodyLimit ? { bodyLimit } : {}),
});

export const scimRoutes: readonly ScimRoute[] = [
  route('GET', '/Users', 'users'),
  route('POST', '/Users', 'users'),
  route('POST', '/Users/.search', 'users'),
  route('GET', '/Users/{id}', 'users'),
  route('PUT', '/Users/{id}', 'users'),
  route('PATCH', '/Users/{id}', 'users'),
  route('DELETE', '/Users/{id}', 'users'),
  route('GET', '/Groups', 'groups'),
  route('POST', '/Groups', 'groups'),
  route('POST', '/Groups/.search', 'groups'),
  route('GET', '/Groups/{id}', 'groups'),
  route('PUT', '/Groups/{id}', 'groups'),
  route('PATCH', '/Groups/{id}', 'groups'),
  route('DELETE', '/Groups/{id}', 'groups'),
  // RFC 7644 §3.7.4: the payload limit is bulk.maxPayloadSize of ServiceProviderConfig.
  route('POST', '/Bulk', 'bulk', { bytes: BULK_LIMITS.maxPayloadSize, name: 'maxPayloadSize' }),
  // A search at the root (RFC 7644 §3.4.3) is answered 501: search /Users/.search or /Groups/.search.
  route('POST', '/.search', 'discovery'),
  route('GET', '/ServiceProviderConfig', 'discovery'),
  route('GET', '/ResourceTypes', 'discovery'),
  route('GET', '/ResourceTypes/{id}', 'discovery'),
  route('GET', '/Schemas', 'discovery'),
  route('GET', '/Schemas/{id}', 'discovery'),
];

/**
 * The body limit of the route an API Gateway event was routed to (`httpMethod`, `resource`).
 *
 * @example
 * bodyLimitOf('POST', '/{directoryId}/scim/v2/Bulk') // { bytes: 1048576, name: 'maxPayloadSize' }
 */
export function bodyLimitOf(method: string, resource: string): BodyLimit {
  const found = scimRoutes.find(
    (candidate) => candidate.method === method && candidate.resource === resource,
  );
  return found?.bodyLimit ?? DEFAULT_BODY_LIMIT;
}
