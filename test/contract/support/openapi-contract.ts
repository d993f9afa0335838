/**
 * A vendor's published OpenAPI 3.0 description as a contract for a connector and its fake: each
 * request the connector sent must be an operation there (method, path, the query parameters it
 * declares, a JSON body that validates against its request schema, none when it takes none), and
 * each answer the fake gave must validate against the response documented for its status.
 * Schemas are checked by ajv (JSON Schema), after turning OpenAPI 3.0's `nullable` into JSON
 * Schema's `null` type. Vendor-neutral: Zoom, Salesforce or Atlassian descriptions load the same way.
 *
 * @example
 * const contract = await loadOpenApiContract('node_modules/@octokit/openapi/generated/ghec.json');
 * expect(contract.check(exchangesOf(fake))).toEqual([]);
 */
import { readFile } from 'node:fs/promises';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Exchange } from './exchanges.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly schema?: Json;
}

interface Operation {
  readonly method: string;
  /** The path template as the description writes it: `/orgs/{org}/invitations`. */
  readonly template: string;
  readonly pattern: RegExp;
  readonly parameters: readonly Parameter[];
  readonly requestSchema?: Json;
  /** Status (or `default`) → the JSON schema of its body; null when the status has no body. */
  readonly responses: Readonly<Record<string, Json | null>>;
}

export interface OpenApiContract {
  /** The documented operation a request matches, or undefined. */
  operation(method: string, path: string): Operation | undefined;
  /** Every way the exchanges break the description, in words; empty when they all keep it. */
  check(exchanges: readonly Exchange[]): string[];
}

/** OpenAPI 3.0 `nullable: true` is JSON Schema's `type: [..., 'null']` (or anyOf null without a type). */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (!isObject(value)) return value;
  const converted: Json = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'nullable' || key === 'example' || key === 'examples') continue;
    converted[key] = toJsonSchema(child);
  }
  if (value.nullable !== true) return converted;
  if (typeof converted.type === 'string') {
    converted.type = [converted.type, 'null'];
    if (Array.isArray(converted.enum)) converted.enum = [...converted.enum, null];
    return converted;
  }
  return { anyOf: [converted, { type: 'null' }] };
}

/**
 * Loads an OpenAPI 3.0 JSON description from a file (an npm package's, never the network).
 *
 * @example
 * const github = await loadOpenApiContract('node_modules/@octokit/openapi/generated/ghec.json');
 */
export async function loadOpenApiContract(file: string): Promise<OpenApiContract> {
  return openApiContract(JSON.parse(await readFile(file, 'utf8')) as Json);
}

/**
 * The contract of an OpenAPI 3.0 description already in memory (a vendor without a published
 * package: an excerpt transcribed from its reference, with its source named).
 *
 * @example
 * const contract = openApiContract({ openapi: '3.0.3', paths: { '/users/{id}': { get: { responses: { 200: {} } } } } });
 */
export function openApiContract(document: Record<string, unknown>): OpenApiContract {
  const components = toJsonSchema(document.components ?? {}) as Json;
  const resolve = (node: unknown): unknown => {
    if (!isObject(node) || typeof node.$ref !== 'string') return node;
    const target = node.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>(
        (at, key) => (isObject(at) ? at[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
        {
          components,
        },
      );
    return resolve(target);
  };

  const operations: Operation[] = [];
  for (const [template, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
    const shared = (Array.isArray(item.parameters) ? item.parameters : []).map(resolve) as Parameter[];
    for (const [method, raw] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(method) || !isObject(raw)) continue;
      const own = (Array.isArray(raw.parameters) ? raw.parameters : []).map(resolve) as Parameter[];
      const body = resolve(raw.requestBody) as { content?: Record<string, { schema?: Json }> } | undefined;
      const responses: Record<string, Json | null> = {};
      for (const [status, response] of Object.entries((raw.responses ?? {}) as Json)) {
        const content = (resolve(response) as { content?: Record<string, { schema?: Json }> }).content;
        const schema = content?.['application/json']?.schema ?? content?.['application/scim+json']?.schema;
        responses[status] = schema ? (toJsonSchema(schema) as Json) : null;
      }
      const requestSchema = body?.content?.['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(
          `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`,
        ),
        parameters: [...shared, ...own].map((parameter) => ({
          ...parameter,
          ...(parameter.schema ? { schema: toJsonSchema(parameter.schema) as Json } : {}),
        })),
        ...(requestSchema ? { requestSchema: toJsonSchema(requestSchema) as Json } : {}),
        responses,
      });
    }
  }

  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its default export is the plugin, wrapped once more under ESM.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
    addFormatsModule) as unknown as (instance: Ajv) => void;
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components }, undefined, undefined, false);
  const compiled = new Map<Json, ValidateFunction>();
  const validate = (schema: Json, value: unknown): string | undefined => {
    let check = compiled.get(schema);
    if (!check) {
      check = ajv.compile(
        JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')),
      );
      compiled.set(schema, check);
    }
    return check(value) ? undefined : ajv.errorsText(check.errors, { dataVar: 'body' });
  };

  const operation = (method: string, path: string) =>
    operations
      // A literal segment beats a parameter (`/users/search` is not `/users/{id}`).
      .filter((candidate) => candidate.method === method && candidate.pattern.test(path))
      .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))[0];

  return {
    operation,
    check(exchanges) {
      const problems: string[] = [];
      for (const { request, reply } of exchanges) {
        const where = `${request.method} ${request.path}`;
        const found = operation(request.method, request.path);
        if (!found) {
          problems.push(`${where}: no such operation in the description`);
          continue;
        }
        const named = `${where} (${found.method} ${found.template})`;
        const values = found.pattern.exec(request.path)?.slice(1) ?? [];
        const pathParameters = found.parameters.filter((parameter) => parameter.in === 'path');
        pathParameters.forEach((parameter, index) => {
          const raw = decodeURIComponent(values[index] ?? '');
          const value = parameter.schema?.type === 'integer' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
          const error = parameter.schema ? validate(parameter.schema, value) : undefined;
          if (error) problems.push(`${named}: path parameter ${parameter.name}: ${error}`);
        });
        for (const [name, raw] of Object.entries(request.query)) {
          const parameter = found.parameters.find(
            (candidate) => candidate.in === 'query' && candidate.name === name,
          );
          if (!parameter) {
            problems.push(`${named}: undocumented query parameter ${name}`);
            continue;
          }
          const value = ['integer', 'number'].includes(String(parameter.schema?.type)) ? Number(raw) : raw;
          const error = parameter.schema ? validate(parameter.schema, value) : undefined;
          if (error) problems.push(`${named}: query parameter ${name}: ${error}`);
        }
        if (request.body !== undefined && !found.requestSchema)
          problems.push(`${named}: sends a body it takes none`);
        if (request.body !== undefined && found.requestSchema) {
          const error = validate(found.requestSchema, request.body);
          if (error) problems.push(`${named}: request ${error}`);
        }
        const documented = found.responses[String(reply.status)] ?? found.responses.default;
        if (documented === undefined && !(String(reply.status) in found.responses)) {
          problems.push(`${named}: answered ${reply.status}, which is not documented`);
          continue;
        }
        if (documented === null || documented === undefined) {
          if (reply.body !== undefined)
            problems.push(`${named}: ${reply.status} is documented without a body`);
          continue;
        }
        const error = validate(documented, reply.body);
        if (error) problems.push(`${named}: ${reply.status} ${error}`);
      }
      return problems;
    },
  };
}
