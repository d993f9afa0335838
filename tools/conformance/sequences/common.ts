/**
 * Building blocks the IdP sequences share: schema URNs, the RFC 7644 error and list shapes every
 * IdP relies on, and the clean-up steps (delete, or deactivate where the IdP never deletes).
 */
import type { Json, Matcher, RequestStep, StepRequest } from '../sequence.ts';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12: the Error schema, `status` as a string, a detail. */
export function scimError(status: number, scimType?: string): Matcher {
  return {
    schemas: { $contains: ERROR },
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail: { $type: 'string' },
  };
}

/** A ListResponse with nothing in it (Entra's Test Connection, Okta's pre-check). */
export const EMPTY_LIST: Matcher = {
  schemas: { $contains: LIST_RESPONSE },
  totalResults: 0,
  Resources: { $empty: true },
};

/** A ListResponse whose only resource has this id. */
export function listOf(id: string, resource: Record<string, Matcher> = {}): Matcher {
  return {
    schemas: { $contains: LIST_RESPONSE },
    totalResults: 1,
    itemsPerPage: 1,
    Resources: { 0: { id, ...resource } },
  };
}

/** `{ "schemas": [PatchOp], "Operations": [...] }` */
export function patchOp(...operations: Json[]): Json {
  return { schemas: [PATCH_OP], Operations: operations };
}

/** A filter as a query parameter, percent-encoded by the runner. */
export function filter(text: string, extra: Record<string, string> = {}): Record<string, string> {
  return { filter: text, ...extra };
}

export const SCIM_JSON: Matcher = { $matches: '^application/scim\\+json' };

/** Cleanup that deletes the user `{{variable}}` (204, or 404 when a step already deleted it). */
export function deleteUser(variable: string, headers?: Record<string, string>): RequestStep {
  return deleteStep(`delete the user {{${variable}}}`, `/Users/{{${variable}}}`, headers);
}

export function deleteGroup(variable: string, headers?: Record<string, string>): RequestStep {
  return deleteStep(`delete the group {{${variable}}}`, `/Groups/{{${variable}}}`, headers);
}

function deleteStep(name: string, path: string, headers?: Record<string, string>): RequestStep {
  return {
    name,
    request: { method: 'DELETE', path, ...(headers ? { headers } : {}) },
    expect: { status: [204, 404] },
  };
}

/** Cleanup as Okta leaves a leaver: deactivated with a pathless replace, never deleted. */
export function deactivateUser(variable: string, headers?: Record<string, string>): RequestStep {
  return {
    name: `deactivate the user {{${variable}}}`,
    request: {
      method: 'PATCH',
      path: `/Users/{{${variable}}}`,
      body: patchOp({ op: 'replace', value: { active: false } }),
      ...(headers ? { headers } : {}),
    },
    expect: { status: [200, 204] },
  };
}

/** A user with a name and a work email, for steps that only need someone to exist. */
export function plainUser(label: string, extra: Record<string, Json> = {}): Json {
  const userName = `${label}-{{run}}@conformance.example`;
  return {
    schemas: [USER],
    userName,
    name: { givenName: label, familyName: 'Conformance' },
    emails: [{ primary: true, type: 'work', value: userName }],
    active: true,
    ...extra,
  };
}

/** POST /Users of `body`, capturing the new id as `variable`. */
export function createUser(
  name: string,
  body: Json,
  variable: string,
  extra?: Partial<StepRequest>,
): RequestStep {
  return {
    name,
    request: { method: 'POST', path: '/Users', body, ...extra },
    expect: { status: 201, body: { id: { $type: 'string' } } },
    capture: { [variable]: 'id' },
  };
}

/** GET of an unknown id: 404 with the Error schema (Entra, Okta). */
export function unknownResource(
  endpoint: '/Users' | '/Groups',
  headers?: Record<string, string>,
): RequestStep {
  return {
    name: `GET ${endpoint}/{random id}: 404 with the Error schema`,
    request: { method: 'GET', path: `${endpoint}/{{guid}}`, ...(headers ? { headers } : {}) },
    expect: { status: 404, body: scimError(404) },
  };
}

/** A request with a token the service never issued: 401 with the Error schema. */
export function wrongToken(headers?: Record<string, string>): RequestStep {
  return {
    name: 'a token the service never issued: 401 with the Error schema',
    request: { method: 'GET', path: '/Users', auth: 'wrong', ...(headers ? { headers } : {}) },
    expect: { status: 401, body: scimError(401) },
  };
}
