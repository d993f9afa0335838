/**
 * The one SCIM error (RFC 7644 §3.12). Everything the client may see is a ScimError; anything
 * else that escapes a handler is an outage and is answered with a fixed 500.
 */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  // RFC 9865 §2.1: cursor paging.
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export class ScimError extends Error {
  override readonly name = 'ScimError';

  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(detail, options?.cause === undefined ? undefined : { cause: options.cause });
    this.headers = options?.headers ?? {};
  }

  readonly headers: Record<string, string>;

  /** The RFC 7644 §3.12 body; `status` is a string there. */
  toJSON(): { schemas: string[]; status: string; scimType?: ScimType; detail: string } {
    return {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    };
  }

  static badRequest(scimType: ScimType, detail: string, cause?: unknown): ScimError {
    return new ScimError(400, scimType, detail, { cause });
  }

  static notFound(detail: string): ScimError {
    return new ScimError(404, undefined, detail);
  }

  static conflict(detail: string): ScimError {
    return new ScimError(409, 'uniqueness', detail);
  }

  static preconditionFailed(detail: string): ScimError {
    return new ScimError(412, undefined, detail);
  }

  static tooLarge(detail: string): ScimError {
    return new ScimError(413, undefined, detail);
  }

  /** 503 with Retry-After: the request did not complete, and the same request sent again will. */
  static unavailable(detail: string, retryAfterSeconds: number, cause?: unknown): ScimError {
    return new ScimError(503, undefined, detail, {
      cause,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}
