import { ScimError } from '../errors.ts';
import type { Projection } from '../projection.ts';
import type { ScimRequestContext } from '../request-context.ts';
import type { BulkEndpoint, BulkEndpoints } from './endpoint.ts';
import { BULK_LIMITS, BULK_RESPONSE_SCHEMA } from './limits.ts';
import { type PlannedOperation, planBulk } from './plan.ts';
import { resolveBulkIds } from './references.ts';
import { type BulkMethod, type BulkOperation, parseBulkRequest } from './request.ts';

/** The result of one operation (RFC 7644 §3.7.3); `status` is a string, as in the RFC's examples. */
export interface BulkOperationResponse {
  readonly method: BulkMethod;
  readonly bulkId?: string;
  /** The resource's URL; absent for a POST that created nothing. */
  readonly location?: string;
  readonly version?: string;
  readonly status: string;
  /** The SCIM error of a failed operation (§3.12). */
  readonly response?: ReturnType<ScimError['toJSON']>;
}

export interface BulkResponse {
  readonly schemas: [typeof BULK_RESPONSE_SCHEMA];
  readonly Operations: BulkOperationResponse[];
}

export interface BulkServiceOptions {
  /**
   * Operations in flight at once. Each is one or two DynamoDB round trips, so 8 at a time
   * finish 1,000 in a few seconds without a burst that conflicts on the users' counter shards.
   */
  readonly concurrency?: number;
  readonly maxOperations?: number;
  /** Milliseconds since the epoch; compared with `deadline`. */
  readonly clock?: () => number;
  /** An operation failed with something other than a ScimError (an outage): it is answered 500. */
  readonly onUnexpectedError?: (error: unknown, operation: BulkOperation) => void;
}

export interface BulkRunOptions {
  /**
   * No operation starts after this time (milliseconds since the epoch): those not started are
   * answered 503 so that the client knows to send them again, rather than the whole request
   * timing out with nobody knowing what was done.
   */
  readonly deadline?: number;
}

/**
 * A Bulk response carries no resource, only ids and ETags: asking the services for the id alone
 * spares them reading what only a full representation shows (a user's groups, a group's members).
 */
const ID_ONLY: Projection = { attributes: ['id'] };

interface Outcome {
  readonly response: BulkOperationResponse;
  /** The id a successful POST created, for the operations that refer to its bulkId. */
  readonly createdId?: string;
}

/**
 * POST /Bulk (RFC 7644 §3.7): validates the whole BulkRequest, orders its operations by their
 * bulkId references (planBulk), then performs them through the endpoints' services, at most
 * `concurrency` at a time and, among those ready, in request order. An operation's failure is its
 * own entry in the response and never fails the request; after `failOnErrors` failures no further
 * operation starts, and those not started are left out of the response (§3.7.3). With
 * `failOnErrors` no more operations run at once than errors may still happen (one at a time once
 * one error is left), so none starts that the limit would have stopped.
 *
 * @example
 * const bulk = new BulkService({ '/Users': users });
 * const response = await bulk.run(ctx, requestBody, { deadline: Date.now() + 20_000 });
 */
export class BulkService {
  private readonly concurrency: number;
  private readonly maxOperations: number;
  private readonly clock: () => number;

  constructor(
    private readonly endpoints: BulkEndpoints,
    private readonly options: BulkServiceOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 8;
    this.maxOperations = options.maxOperations ?? BULK_LIMITS.maxOperations;
    this.clock = options.clock ?? Date.now;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1)
      throw new Error(`Bulk concurrency must be a positive integer, got ${this.concurrency}`);
  }

  async run(ctx: ScimRequestContext, body: unknown, runOptions: BulkRunOptions = {}): Promise<BulkResponse> {
    const request = parseBulkRequest(body, { maxOperations: this.maxOperations });
    const plan = planBulk(request.operations);
    const outcomes: (Outcome | undefined)[] = new Array(plan.length);
    const creators = new Map<string, number>();
    for (const { operation } of plan)
      if (operation.method === 'POST' && operation.bulkId) creators.set(operation.bulkId, operation.index);

    let errors = 0;
    const failOnErrors = request.failOnErrors ?? Number.POSITIVE_INFINITY;
    const outOfTime = () => runOptions.deadline !== undefined && this.clock() >= runOptions.deadline;
    await schedule(plan, {
      // As many operations may be in flight as errors may still happen before failOnErrors is
      // reached: even if every one of them fails, none has started after the limit (§3.7.3).
      // Without failOnErrors this is the plain concurrency.
      capacity: () => Math.min(this.concurrency, failOnErrors - errors),
      stop: () => errors >= failOnErrors || outOfTime(),
      perform: async (planned) => {
        const outcome = await this.perform(ctx, planned, runOptions.deadline, (bulkId) => {
          const creator = creators.get(bulkId);
          return creator === undefined ? undefined : { index: creator, outcome: outcomes[creator] };
        });
        outcomes[planned.operation.index] = outcome;
        if (Number(outcome.response.status) >= 400) errors++;
      },
    });

    const stoppedByTime = errors < failOnErrors && outOfTime();
    const responses: BulkOperationResponse[] = [];
    for (const { operation } of plan) {
      const outcome = outcomes[operation.index];
      if (outcome) responses.push(outcome.response);
      else if (stoppedByTime) responses.push(notPerformed(ctx, operation));
    }
    return { schemas: [BULK_RESPONSE_SCHEMA], Operations: responses };
  }

  /** Performs one operation; never throws: every failure becomes the operation's error entry. */
  private async perform(
    ctx: ScimRequestContext,
    planned: PlannedOperation,
    deadline: number | undefined,
    creatorOf: (bulkId: string) => { index: number; outcome: Outcome | undefined } | undefined,
  ): Promise<Outcome> {
    const { operation } = planned;
    let location: string | undefined;
    try {
      if (planned.refusal) throw planned.refusal;
      const ids = new Map<string, string>();
      for (const bulkId of planned.references)
        ids.set(bulkId, resolved(operation, bulkId, creatorOf(bulkId)));
      const endpoint = this.endpointOf(operation);
      const target = operation.target;
      const id = target === undefined ? undefined : 'id' in target ? target.id : ids.get(target.bulkId);
      if (id !== undefined) location = `${ctx.baseUrl}${operation.endpoint}/${id}`;
      const data = planned.references.length > 0 ? resolveBulkIds(operation.data, ids) : operation.data;
      return await this.write(ctx, endpoint, operation, { id: id ?? '', data, location, deadline });
    } catch (error) {
      if (!(error instanceof ScimError)) this.options.onUnexpectedError?.(error, operation);
      const scimError =
        error instanceof ScimError
          ? error
          : new ScimError(500, undefined, 'Internal server error. The operation may be sent again.');
      return { response: failure(operation, scimError, location) };
    }
  }

  private async write(
    ctx: ScimRequestContext,
    endpoint: BulkEndpoint,
    operation: BulkOperation,
    target: { id: string; data: unknown; location: string | undefined; deadline: number | undefined },
  ): Promise<Outcome> {
    const { id, data, location, deadline } = target;
    const preconditions = operation.version === undefined ? {} : { ifMatch: operation.version };
    const done = (status: number, etag?: string, at = location): Outcome => ({
      response: {
        method: operation.method,
        ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
        ...(at ? { location: at } : {}),
        ...(etag ? { version: etag } : {}),
        status: String(status),
      },
    });
    switch (operation.method) {
      case 'POST': {
        const { resource, etag } = await endpoint.create(ctx, data, ID_ONLY);
        const created = resource.id;
        if (typeof created !== 'string')
          throw new Error(`${operation.endpoint} created a resource without an id`);
        return { ...done(201, etag, `${ctx.baseUrl}${operation.endpoint}/${created}`), createdId: created };
      }
      case 'PUT':
        return done(200, (await endpoint.replace(ctx, id, data, preconditions, ID_ONLY)).etag);
      case 'PATCH': {
        // A group PATCH answers 204 with the ETag, as its single request does.
        const { resource, etag } = await endpoint.patch(ctx, id, data, preconditions, ID_ONLY);
        return done(resource ? 200 : 204, etag);
      }
      case 'DELETE':
        await endpoint.delete(ctx, id, preconditions, deadline === undefined ? {} : { deadline });
        return done(204);
    }
  }

  private endpointOf(operation: BulkOperation): BulkEndpoint {
    const endpoint = Object.hasOwn(this.endpoints, operation.endpoint)
      ? this.endpoints[operation.endpoint]
      : undefined;
    if (endpoint) return endpoint;
    const served = Object.keys(this.endpoints).join(', ');
    throw ScimError.notFound(
      `Operations[${operation.index}]: no resource endpoint ${operation.endpoint}; Bulk serves ${served}.`,
    );
  }
}

/** The id a referenced bulkId stands for, or the 409 of a reference to a POST that created nothing. */
function resolved(
  operation: BulkOperation,
  bulkId: string,
  creator: { index: number; outcome: Outcome | undefined } | undefined,
): string {
  if (creator?.outcome?.createdId !== undefined) return creator.outcome.createdId;
  const why = creator?.outcome
    ? `its POST (Operations[${creator.index}]) failed with status ${creator.outcome.response.status}`
    : 'no resource was created for it';
  return conflict(`Operations[${operation.index}] refers to bulkId "${bulkId}", but ${why}.`);
}

function conflict(detail: string): never {
  throw new ScimError(409, undefined, detail);
}

function failure(
  operation: BulkOperation,
  error: ScimError,
  location: string | undefined,
): BulkOperationResponse {
  return {
    method: operation.method,
    ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
    ...(location ? { location } : {}),
    status: String(error.status),
    response: error.toJSON(),
  };
}

function notPerformed(ctx: ScimRequestContext, operation: BulkOperation): BulkOperationResponse {
  const location =
    operation.target && 'id' in operation.target
      ? `${ctx.baseUrl}${operation.endpoint}/${operation.target.id}`
      : undefined;
  return failure(
    operation,
    new ScimError(
      503,
      undefined,
      `Operations[${operation.index}] was not performed: the request ran out of time. Send it again.`,
    ),
    location,
  );
}

/**
 * Runs the planned operations: each once everything in its `after` is finished, at most
 * `capacity()` at a time, the lowest index first among those ready. Stops starting operations
 * once `stop()` says so, and resolves when none is running.
 */
function schedule(
  plan: readonly PlannedOperation[],
  hooks: {
    capacity: () => number;
    stop: () => boolean;
    perform: (planned: PlannedOperation) => Promise<void>;
  },
): Promise<void> {
  const unfinished = plan.map(({ after }) => after.length);
  const dependents: number[][] = plan.map(() => []);
  for (const { operation, after } of plan)
    for (const before of after) dependents[before]?.push(operation.index);
  const ready = plan.filter(({ after }) => after.length === 0).map(({ operation }) => operation.index);
  let running = 0;

  return new Promise((resolve, reject) => {
    const pump = (): void => {
      while (running < hooks.capacity() && !hooks.stop()) {
        const index = ready.shift();
        const planned = index === undefined ? undefined : plan[index];
        if (!planned) break;
        running++;
        hooks.perform(planned).then(() => {
          running--;
          for (const next of dependents[planned.operation.index] ?? []) {
            unfinished[next] = (unfinished[next] ?? 0) - 1;
            if (unfinished[next] === 0) insertSorted(ready, next);
          }
          pump();
        }, reject);
      }
      if (running === 0) resolve();
    };
    pump();
  });
}

function insertSorted(list: number[], value: number): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((list[middle] ?? 0) < value) low = middle + 1;
    else high = middle;
  }
  list.splice(low, 0, value);
}
