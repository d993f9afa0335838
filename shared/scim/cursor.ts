import type { CursorKeySource } from '../ports/cursor-key.ts';
import { ScimError } from './errors.ts';
import type { SortKey } from './sort.ts';

/** How long a cursor stays valid after it was issued; advertised as pagination.cursorTimeout. */
export const CURSOR_TIMEOUT_SECONDS = 3600;

/** Longer cursors than this were not issued here (ours stay under 1 KB even with a long sort value). */
const MAX_CURSOR_LENGTH = 2048;

/** Where the next (or previous) page starts: right after, or right before, a resource's place in the order. */
export interface CursorPosition {
  readonly direction: 'after' | 'before';
  readonly id: string;
  /** The sort key at that place, when the list is sorted. */
  readonly key?: SortKey;
}

/**
 * What a cursor is bound to. A cursor verifies only within the same directory, resource type and
 * query (filter and sort); the count is carried and compared, so a different count gets the
 * RFC 9865 invalidCount rather than invalidCursor.
 */
export interface CursorScope {
  readonly directoryId: string;
  readonly resourceType: string;
  /** A canonical form of the filter and the sort, e.g. JSON of the parsed filter and the sort path. */
  readonly query: string;
  readonly count: number;
}

interface Payload {
  /** direction: a(fter) or b(efore) */
  readonly d: 'a' | 'b';
  readonly i: string;
  readonly k?: SortKey;
  readonly c: number;
  /** expiry, epoch seconds */
  readonly x: number;
}

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/**
 * Issues and opens RFC 9865 cursors: `base64url(payload).base64url(HMAC-SHA256)`, only characters
 * RFC 3986 calls unreserved. The payload holds the position, the count and the expiry; the MAC
 * covers it together with the directory, resource type and query, which are not in the cursor.
 * Nothing is stored per cursor, so issuing one costs no storage and no cursor needs cleaning up.
 *
 * @example
 * const codec = new CursorCodec(cursorKey);
 * const next = await codec.issue(scope, { direction: 'after', id: lastUser.id });
 * await codec.open(next, scope) // => { direction: 'after', id: lastUser.id }
 */
export class CursorCodec {
  private readonly clock: () => Date;
  private readonly timeoutSeconds: number;
  private hmacKey: Promise<HmacKey> | undefined;

  constructor(
    private readonly keys: CursorKeySource,
    options: { clock?: () => Date; timeoutSeconds?: number } = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.timeoutSeconds = options.timeoutSeconds ?? CURSOR_TIMEOUT_SECONDS;
  }

  async issue(scope: CursorScope, position: CursorPosition): Promise<string> {
    const payload: Payload = {
      d: position.direction === 'after' ? 'a' : 'b',
      i: position.id,
      ...(position.key !== undefined ? { k: position.key } : {}),
      c: scope.count,
      x: Math.floor(this.clock().getTime() / 1000) + this.timeoutSeconds,
    };
    const body = toBase64Url(new TextEncoder().encode(JSON.stringify(payload)));
    const mac = await crypto.subtle.sign('HMAC', await this.key(), signedBytes(scope, body));
    return `${body}.${toBase64Url(new Uint8Array(mac))}`;
  }

  /**
   * The position a cursor of this scope points at. Throws 400 invalidCursor for anything not
   * issued here for this directory and query (with one message whatever the reason, RFC 9865
   * §5.2), expiredCursor past its lifetime, invalidCount when the count differs from the
   * cursor's.
   */
  async open(cursor: string, scope: CursorScope): Promise<CursorPosition> {
    const [body, mac, ...rest] = cursor.length <= MAX_CURSOR_LENGTH ? cursor.split('.') : [];
    const signature = mac === undefined || rest.length > 0 ? undefined : fromBase64Url(mac);
    if (body === undefined || signature === undefined) throw invalidCursor();
    const authentic = await crypto.subtle.verify(
      'HMAC',
      await this.key(),
      signature,
      signedBytes(scope, body),
    );
    const payload = authentic ? readPayload(body) : undefined;
    if (!payload) throw invalidCursor();
    if (payload.x * 1000 < this.clock().getTime()) {
      throw ScimError.badRequest(
        'expiredCursor',
        `The cursor has expired: cursors are valid for ${this.timeoutSeconds} seconds (cursorTimeout). ` +
          'Start again with an empty cursor.',
      );
    }
    if (payload.c !== scope.count) {
      throw ScimError.badRequest(
        'invalidCount',
        `The cursor was issued for count=${payload.c}; repeat that count, or start again with an empty cursor.`,
      );
    }
    return {
      direction: payload.d === 'a' ? 'after' : 'before',
      id: payload.i,
      ...('k' in payload ? { key: payload.k } : {}),
    };
  }

  private key(): Promise<HmacKey> {
    this.hmacKey ??= this.keys
      .key()
      .then((raw) =>
        crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
      )
      .catch((error: unknown) => {
        // A failed read of the key (a storage outage) is retried by the next request.
        this.hmacKey = undefined;
        throw error;
      });
    return this.hmacKey;
  }
}

/** A random key held in memory: for tests and single-process use. Deployed functions share the table's key. */
export function ephemeralCursorKey(): CursorKeySource {
  const key = crypto.getRandomValues(new Uint8Array(32));
  return { key: async () => key };
}

function invalidCursor(): ScimError {
  return ScimError.badRequest(
    'invalidCursor',
    'The cursor is not valid for this request. Send the nextCursor or previousCursor of an earlier answer ' +
      'with the same filter, sortBy, sortOrder and count, or an empty cursor for the first page.',
  );
}

function signedBytes(scope: CursorScope, body: string): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify(['scim-cursor-1', scope.directoryId, scope.resourceType, scope.query, body]),
  );
}

function readPayload(body: string): Payload | undefined {
  const bytes = fromBase64Url(body);
  if (!bytes) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { d, i, k, c, x } = value as Record<string, unknown>;
  const validKey = k === undefined || k === null || typeof k === 'string' || typeof k === 'number';
  if ((d !== 'a' && d !== 'b') || typeof i !== 'string' || !validKey) return undefined;
  if (!Number.isSafeInteger(c) || !Number.isSafeInteger(x)) return undefined;
  return value as Payload;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}
