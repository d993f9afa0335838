import { ScimError } from './errors.ts';

/**
 * The deepest nesting a request body may have. SCIM resources nest a few levels (a Bulk
 * operation's PATCH value holding a complex attribute: about 8); Bulk `data` is bounded further
 * (32 levels, shared/scim/bulk/references.ts). Past this nothing that walks the body recursively,
 * here or in a library, can exhaust the stack.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * A request body as JSON, checked once for every route so that no handler, store or key builder
 * meets what it cannot take: not JSON is a 400 invalidSyntax, nesting deeper than MAX_JSON_DEPTH
 * a 400 invalidSyntax, and a name or string holding ill-formed UTF-16 (a lone surrogate, which
 * JSON.parse accepts from a `\ud800` escape but no UTF-8 store can hold) a 400 invalidValue.
 *
 * @example
 * parseJsonBody('{"userName":"ada"}')      // { userName: 'ada' }
 * parseJsonBody('{"userName":"x\\ud800"}') // throws ScimError 400 invalidValue
 */
export function parseJsonBody(text: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (error) {
    throw ScimError.badRequest(
      'invalidSyntax',
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  checkTree(body);
  return body;
}

/** A value to look at, and how to name where it is should it be refused. */
interface Visit {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Visit | undefined;
  readonly key: string | number | undefined;
}

/** Walks with a stack of its own, not recursion: the body may be nested far deeper than allowed. */
function checkTree(body: unknown): void {
  const pending: Visit[] = [{ value: body, depth: 0, parent: undefined, key: undefined }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const { value, depth } = visit;
    if (typeof value === 'string') {
      if (!value.isWellFormed()) throw illFormed(visit);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH)
      throw ScimError.badRequest(
        'invalidSyntax',
        `The request body is nested more than ${MAX_JSON_DEPTH} levels deep (at ${pathOf(visit)}).`,
      );
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        pending.push({ value: item, depth: depth + 1, parent: visit, key: index });
      });
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const child: Visit = { value: item, depth: depth + 1, parent: visit, key };
      if (!key.isWellFormed()) throw illFormed(child, 'name');
      pending.push(child);
    }
  }
}

function illFormed(visit: Visit, what: 'name' | 'value' = 'value'): ScimError {
  return ScimError.badRequest(
    'invalidValue',
    `The request body is not well-formed Unicode: the ${what} at ${pathOf(visit)} holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape).`,
  );
}

/** `Operations[0].data.userName`, with names shown as JSON would escape them. */
function pathOf(visit: Visit): string {
  const parts: string[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent)
    parts.unshift(typeof at.key === 'number' ? `[${at.key}]` : `.${JSON.stringify(at.key).slice(1, -1)}`);
  const path = parts.join('').replace(/^\./, '');
  return path === '' ? 'the top level' : path;
}
