import { ScimError } from '../errors.ts';
import { BULK_ID_PREFIX } from './limits.ts';
import { bulkIdOf, stringValuesIn } from './references.ts';
import type { BulkOperation } from './request.ts';

/** An operation with what it waits for, or why it cannot run at all. */
export interface PlannedOperation {
  readonly operation: BulkOperation;
  /** The bulkIds its path and data refer to, each resolved to the created id before it runs. */
  readonly references: readonly string[];
  /**
   * Indexes of the operations that must be finished before it starts: the POSTs that create the
   * bulkIds it refers to, and the operation before it on the same resource. Sorted.
   */
  readonly after: readonly number[];
  /** Set when it cannot run: a bulkId no POST defines, a circular reference, unreadable data. */
  readonly refusal?: ScimError;
}

/**
 * Orders a BulkRequest's operations by what they depend on (RFC 7644 §3.7.2), so that a group
 * listed before the users it refers to by bulkId still runs after them, while operations that
 * share nothing may run in parallel. The rules:
 *
 * - An operation referring to "bulkId:x" (in its path or as any string value of its data) runs
 *   after the POST with bulkId x.
 * - PUT, PATCH and DELETE keep request order among themselves when they touch the same resource:
 *   the same path, or one's data naming the resource another one's path changes (a group PATCH
 *   adding user u, then DELETE /Users/u).
 * - A bulkId that no POST defines refuses the operation (400 invalidValue); POSTs referring to each
 *   other in a circle are refused (409, §3.7.1), and so, when they run, is anything referring to
 *   them. A refused operation waits for nothing.
 *
 * A circle can only be made of POSTs: the other operations only wait for earlier ones of their own
 * kind or for POSTs, so clearing the refused POSTs' waits leaves a graph without cycles.
 *
 * @example
 * planBulk(parseBulkRequest(body).operations).map((planned) => planned.after)
 * // [[1, 2], [], []] for a group POST listed before the POSTs of its two members
 */
export function planBulk(operations: readonly BulkOperation[]): PlannedOperation[] {
  const creators = new Map<string, number>();
  for (const { index, method, bulkId } of operations)
    if (method === 'POST' && bulkId !== undefined) creators.set(bulkId, index);
  // What each PUT, PATCH and DELETE changes: an id, or "bulkId:x" for a resource created here.
  const targetOf = (operation: BulkOperation): string | undefined => {
    const { target } = operation;
    if (!target) return undefined;
    return 'id' in target ? target.id : `${BULK_ID_PREFIX}${target.bulkId}`;
  };
  const targets = new Set(operations.map(targetOf).filter((key) => key !== undefined));

  const lastOnResource = new Map<string, number>();
  const planned = operations.map((operation) => {
    const after = new Set<number>();
    let values: Set<string>;
    let refusal: ScimError | undefined;
    try {
      values = stringValuesIn(operation.data);
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      values = new Set();
      refusal = ScimError.badRequest('invalidValue', `Operations[${operation.index}]: ${error.detail}`);
    }
    const references = new Set<string>();
    if (operation.target && 'bulkId' in operation.target) references.add(operation.target.bulkId);
    for (const value of values) {
      const bulkId = bulkIdOf(value);
      if (bulkId !== undefined) references.add(bulkId);
    }
    for (const bulkId of references) {
      const creator = creators.get(bulkId);
      if (creator !== undefined) after.add(creator);
      else refusal ??= unknownBulkId(operation.index, bulkId);
    }
    const target = targetOf(operation);
    if (target !== undefined) {
      const touched = [target, ...[...values].filter((value) => value !== target && targets.has(value))];
      for (const key of touched) {
        const previous = lastOnResource.get(key);
        if (previous !== undefined) after.add(previous);
        lastOnResource.set(key, operation.index);
      }
    }
    return { operation, references: [...references], after, refusal };
  });

  const circular = circularOperations(
    planned.map(({ after }) => after),
    operations.map(({ bulkId }) => bulkId ?? ''),
  );
  return planned.map(({ operation, references, after, refusal }) => {
    const why = refusal ?? circular.get(operation.index);
    return why
      ? { operation, references, after: [], refusal: why }
      : { operation, references, after: [...after].sort((a, b) => a - b) };
  });
}

/** An operation can refer to bulkId x only when a POST of the same request has bulkId x. */
function unknownBulkId(index: number, bulkId: string): ScimError {
  return ScimError.badRequest(
    'invalidValue',
    `Operations[${index}] refers to bulkId "${bulkId}", which no POST operation of this request defines.`,
  );
}

/**
 * The operations on a circle of waits (strongly connected components of more than one operation,
 * or one waiting for itself), each with the 409 it gets. Tarjan's algorithm: linear in the size
 * of the graph, which the 1,000-operation limit keeps small enough to recurse.
 */
function circularOperations(
  after: readonly ReadonlySet<number>[],
  bulkIds: readonly string[],
): Map<number, ScimError> {
  const order: number[] = new Array(after.length).fill(-1);
  const lowest: number[] = new Array(after.length).fill(0);
  const onStack: boolean[] = new Array(after.length).fill(false);
  const stack: number[] = [];
  const refused = new Map<number, ScimError>();
  let counter = 0;

  const visit = (node: number): void => {
    order[node] = lowest[node] = counter++;
    stack.push(node);
    onStack[node] = true;
    for (const next of after[node] ?? []) {
      if (order[next] === -1) {
        visit(next);
        lowest[node] = Math.min(lowest[node] ?? 0, lowest[next] ?? 0);
      } else if (onStack[next]) {
        lowest[node] = Math.min(lowest[node] ?? 0, order[next] ?? 0);
      }
    }
    if (lowest[node] !== order[node]) return;
    const component: number[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack[member] = false;
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || after[node]?.has(node)) {
      const members = component.sort((a, b) => a - b);
      const error = circularReference(members.map((member) => bulkIds[member] ?? ''));
      for (const member of members) refused.set(member, error);
    }
  };
  for (let node = 0; node < after.length; node++) if (order[node] === -1) visit(node);
  return refused;
}

function circularReference(bulkIds: readonly string[]): ScimError {
  const circle =
    bulkIds.length === 1
      ? `the POST of bulkId "${bulkIds[0]}" refers to its own bulkId`
      : `the POSTs of bulkIds ${bulkIds.map((bulkId) => `"${bulkId}"`).join(', ')} refer to each other in a circle`;
  return new ScimError(
    409,
    undefined,
    `Circular bulkId reference: ${circle}, so none of them can be created first. ` +
      'Create the resources without these references, then add them with PATCH.',
  );
}
