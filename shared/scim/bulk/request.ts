import { z } from 'zod';
import { ScimError, type ScimType } from '../errors.ts';
import { isScimObject, type ScimObject } from '../resource.ts';
import { BULK_ID_PREFIX, BULK_LIMITS, BULK_REQUEST_SCHEMA } from './limits.ts';

export const BULK_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type BulkMethod = (typeof BULK_METHODS)[number];

/** The resource an operation acts on: an id, or the resource another operation of the request creates. */
export type BulkTarget = { readonly id: string } | { readonly bulkId: string };

/** One operation of a BulkRequest, validated: what a single SCIM request would have said. */
export interface BulkOperation {
  /** Its position in `Operations`, used in every error detail and to keep request order. */
  readonly index: number;
  readonly method: BulkMethod;
  /** Required for POST; echoed in the response for any method. */
  readonly bulkId?: string;
  /** An ETag the resource must still have: the operation's If-Match. */
  readonly version?: string;
  /** The resource endpoint, e.g. `/Users`. */
  readonly endpoint: string;
  /** The resource of PUT, PATCH and DELETE; absent for POST. */
  readonly target?: BulkTarget;
  /** The body the single request would have had (POST, PUT, PATCH). */
  readonly data?: unknown;
}

export interface BulkRequest {
  /** Stop starting operations once this many have failed (absent: perform them all). */
  readonly failOnErrors?: number;
  readonly operations: readonly BulkOperation[];
}

// SCIM attribute names are case-insensitive, so keys are lower-cased before these schemas see them.
const envelopeSchema = z.object({
  schemas: z.array(z.string(), { error: '"schemas" must be a list of URNs' }).nullish(),
  failonerrors: z
    .number({ error: '"failOnErrors" must be an integer of at least 1' })
    .int({ error: '"failOnErrors" must be an integer of at least 1' })
    .min(1, { error: '"failOnErrors" must be an integer of at least 1' })
    .nullish(),
  operations: z.array(z.unknown(), { error: 'the BulkRequest must have an "Operations" list' }),
});

const operationSchema = z.object({
  method: z
    .string({ error: '"method" must be POST, PUT, PATCH or DELETE' })
    .transform((method) => method.toUpperCase())
    .pipe(z.enum(BULK_METHODS, { error: '"method" must be POST, PUT, PATCH or DELETE' })),
  bulkid: z.string({ error: '"bulkId" must be a string' }).min(1, { error: '"bulkId" is empty' }).nullish(),
  version: z.string({ error: '"version" must be an ETag string' }).nullish(),
  path: z.string({ error: '"path" must be a string such as "/Users" or "/Users/{id}"' }),
  data: z.unknown().optional(),
});

/**
 * Reads a BulkRequest (RFC 7644 §3.7) and validates it as a whole before anything runs: a
 * request that is not one, more than `maxOperations` operations (413), an operation without a
 * valid method or path, a POST without bulkId or data, or a bulkId defined twice. Each error
 * names the operation index. What only the resource endpoint can judge (the data itself, an id
 * that does not exist) is left to the operation.
 *
 * @example
 * const { operations } = parseBulkRequest({
 *   schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
 *   Operations: [{ method: 'POST', path: '/Users', bulkId: 'ada', data: { userName: 'ada' } }],
 * });
 * // operations[0] is { index: 0, method: 'POST', bulkId: 'ada', endpoint: '/Users', data: {...} }
 */
export function parseBulkRequest(
  body: unknown,
  limits: { readonly maxOperations: number } = BULK_LIMITS,
): BulkRequest {
  if (!isScimObject(body))
    throw ScimError.badRequest('invalidSyntax', 'The BulkRequest must be a JSON object.');
  const envelope = validated(envelopeSchema, lowerKeys(body, 'The BulkRequest'), 'The BulkRequest');
  if (
    envelope.schemas &&
    !envelope.schemas.some((urn) => urn.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase())
  )
    throw ScimError.badRequest('invalidSyntax', `"schemas" must contain "${BULK_REQUEST_SCHEMA}".`);
  const count = envelope.operations.length;
  if (count > limits.maxOperations) {
    throw ScimError.tooLarge(
      `The BulkRequest has ${count} operations; maxOperations is ${limits.maxOperations}. Split it into several requests.`,
    );
  }
  const operations = envelope.operations.map(readOperation);
  const defined = new Map<string, number>();
  for (const { index, method, bulkId } of operations) {
    if (method !== 'POST' || bulkId === undefined) continue;
    const earlier = defined.get(bulkId);
    if (earlier !== undefined)
      throw failAt(index, 'invalidValue', `bulkId "${bulkId}" is already used by Operations[${earlier}]`);
    defined.set(bulkId, index);
  }
  return { ...(envelope.failonerrors ? { failOnErrors: envelope.failonerrors } : {}), operations };
}

function readOperation(raw: unknown, index: number): BulkOperation {
  const where = `Operations[${index}]`;
  if (!isScimObject(raw)) throw failAt(index, 'invalidSyntax', 'an operation must be a JSON object');
  const { method, bulkid, version, path, data } = validated(operationSchema, lowerKeys(raw, where), where);
  const { endpoint, target } = readPath(index, path);
  if (method === 'POST') {
    if (target)
      throw failAt(index, 'invalidPath', `POST needs a resource endpoint such as "/Users", not "${path}"`);
    if (!bulkid) throw failAt(index, 'invalidValue', 'POST needs a "bulkId"');
  } else if (!target) {
    throw failAt(
      index,
      'invalidPath',
      `${method} needs the path of one resource such as "/Users/{id}", not "${path}"`,
    );
  }
  if (method !== 'DELETE' && (data === undefined || data === null))
    throw failAt(index, 'invalidSyntax', `${method} needs "data"`);
  return {
    index,
    method,
    ...(bulkid ? { bulkId: bulkid } : {}),
    ...(version ? { version } : {}),
    endpoint,
    ...(target ? { target } : {}),
    ...(method !== 'DELETE' ? { data } : {}),
  };
}

/** `/Users`, `/Users/{id}` or `/Users/bulkId:{bulkId}`. */
function readPath(index: number, path: string): { endpoint: string; target?: BulkTarget } {
  const match = /^(\/[^/?#]+)(?:\/([^/?#]+))?$/.exec(path);
  if (!match?.[1])
    throw failAt(index, 'invalidPath', `"path" must look like "/Users" or "/Users/{id}", not "${path}"`);
  const [, endpoint, id] = match;
  if (id === undefined) return { endpoint };
  if (!id.startsWith(BULK_ID_PREFIX)) return { endpoint, target: { id } };
  const bulkId = id.slice(BULK_ID_PREFIX.length);
  if (!bulkId) throw failAt(index, 'invalidPath', `"${path}" names no bulkId`);
  return { endpoint, target: { bulkId } };
}

/** The object with lower-cased keys; two spellings of one key are ambiguous and refused. */
function lowerKeys(object: ScimObject, where: string): Record<string, unknown> {
  const lowered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const name = key.toLowerCase();
    if (name in lowered)
      throw ScimError.badRequest('invalidSyntax', `${where} has "${key}" twice in different case.`);
    lowered[name] = value;
  }
  return lowered;
}

function validated<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // A value of the wrong JSON type is a syntax error; a number that is not a whole one, a value
  // out of range or not among the allowed ones is an invalid value.
  const wrongType = issue?.code === 'invalid_type' && issue.expected !== 'int';
  const scimType: ScimType = wrongType ? 'invalidSyntax' : 'invalidValue';
  throw ScimError.badRequest(scimType, `${where}: ${issue?.message ?? 'not a valid BulkRequest'}.`);
}

function failAt(index: number, scimType: ScimType, message: string): ScimError {
  return ScimError.badRequest(scimType, `Operations[${index}]: ${message}.`);
}
