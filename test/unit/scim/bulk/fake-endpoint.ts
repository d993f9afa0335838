import type {
  BulkEndpoint,
  BulkPatchResult,
  BulkWriteResult,
} from '../../../../shared/scim/bulk/endpoint.ts';
import { ScimError } from '../../../../shared/scim/errors.ts';
import type { Projection } from '../../../../shared/scim/projection.ts';

export interface EndpointCall {
  readonly method: 'create' | 'replace' | 'patch' | 'delete';
  readonly id?: string;
  readonly body?: unknown;
  readonly ifMatch?: string;
  /** The attributes Bulk asked to be returned. */
  readonly attributes?: readonly string[];
  /** The deadline Bulk gave a DELETE. */
  readonly deadline?: number;
}

/**
 * An in-memory resource endpoint that records its calls (several endpoints may share one log).
 * A created resource's id is `id-{data.name}`. Data with `"fail": <status>` fails with a ScimError
 * of that status, `"crash": true` with a plain Error (an outage); a PATCH with
 * `"noContent": true` answers 204, as a group PATCH may.
 */
export class FakeEndpoint implements BulkEndpoint {
  constructor(
    readonly calls: EndpointCall[] = [],
    private readonly options: { delayMs?: () => number; onEnter?: () => void; onLeave?: () => void } = {},
  ) {}

  async create(_ctx: unknown, body: unknown, projection: Projection): Promise<BulkWriteResult> {
    await this.enter({ method: 'create', body, ...attributes(projection) });
    return result(`id-${isObject(body) ? String(body.name) : '?'}`, this.calls.length);
  }

  async replace(
    _ctx: unknown,
    id: string,
    body: unknown,
    preconditions: { ifMatch?: string },
    projection: Projection,
  ): Promise<BulkWriteResult> {
    await this.enter({ method: 'replace', id, body, ...ifMatch(preconditions), ...attributes(projection) });
    return result(id, this.calls.length);
  }

  async patch(
    _ctx: unknown,
    id: string,
    body: unknown,
    preconditions: { ifMatch?: string },
    projection: Projection,
  ): Promise<BulkPatchResult> {
    await this.enter({ method: 'patch', id, body, ...ifMatch(preconditions), ...attributes(projection) });
    const written = result(id, this.calls.length);
    return isObject(body) && body.noContent === true ? { etag: written.etag } : written;
  }

  async delete(
    _ctx: unknown,
    id: string,
    preconditions: { ifMatch?: string },
    options: { deadline?: number } = {},
  ): Promise<void> {
    const deadline = options.deadline === undefined ? {} : { deadline: options.deadline };
    await this.enter({ method: 'delete', id, ...ifMatch(preconditions), ...deadline });
  }

  private async enter(call: EndpointCall): Promise<void> {
    this.calls.push(call);
    this.options.onEnter?.();
    try {
      const delay = this.options.delayMs?.() ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (isObject(call.body) && typeof call.body.fail === 'number')
        throw new ScimError(call.body.fail, undefined, `failed as asked (${call.body.fail})`);
      if (isObject(call.body) && call.body.crash === true) throw new Error('storage unreachable');
    } finally {
      this.options.onLeave?.();
    }
  }
}

/**
 * A call as the golden files write it: `create bob`, `patch id-bob`, `delete id-x`, followed by
 * the data's `ref` as the endpoint received it (bulkIds resolved): `create team id-ada,id-bob`.
 */
export function describeCall(call: EndpointCall): string {
  const body = isObject(call.body) ? call.body : {};
  const head = call.method === 'create' ? `create ${String(body.name)}` : `${call.method} ${call.id}`;
  const ref = Array.isArray(body.ref) ? body.ref.join(',') : body.ref;
  return ref === undefined ? head : `${head} ${String(ref)}`;
}

const result = (id: string, version: number): BulkWriteResult => ({
  resource: { schemas: ['urn:example'], id },
  etag: `W/"${version}"`,
});

const attributes = (projection: Projection) =>
  projection.attributes === undefined ? {} : { attributes: projection.attributes };

const ifMatch = (preconditions: { ifMatch?: string }) =>
  preconditions.ifMatch === undefined ? {} : { ifMatch: preconditions.ifMatch };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
