/**
 * The SCIM HTTP surface: which function serves which method and resource path. The CDK stack
 * builds API Gateway routes from this list and the local runtime serves the same list, so a
 * route cannot exist in one and not the other. Paths are API Gateway resource templates.
 */
export const SCIM_BASE = '/{directoryId}/scim/v2';

export const scimFunctions = {
  users: {
    entry: 'functions/scim-users.ts',
    description: 'SCIM /Users: list, filter, create, read, replace, patch, delete',
  },
  groups: {
    entry: 'functions/scim-groups.ts',
    description: 'SCIM /Groups: list, filter, create, read, replace, patch membership, delete',
  },
  discovery: {
    entry: 'functions/scim-discovery.ts',
    description: 'SCIM discovery: ServiceProviderConfig, ResourceTypes, Schemas',
  },
} as const;

export type ScimFunctionName = keyof typeof scimFunctions;

export interface ScimRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly resource: string;
  readonly function: ScimFunctionName;
}

const route = (method: ScimRoute['method'], path: string, fn: ScimFunctionName): ScimRoute => ({
  method,
  resource: `${SCIM_BASE}${path}`,
  function: fn,
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
  route('GET', '/ServiceProviderConfig', 'discovery'),
  route('GET', '/ResourceTypes', 'discovery'),
  route('GET', '/ResourceTypes/{id}', 'discovery'),
  route('GET', '/Schemas', 'discovery'),
  route('GET', '/Schemas/{id}', 'discovery'),
];
