import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURSOR_TIMEOUT_SECONDS,
  CursorCodec,
  type CursorScope,
  ephemeralCursorKey,
} from '../../../shared/scim/cursor.ts';
import { ScimError } from '../../../shared/scim/errors.ts';

const scope: CursorScope = {
  directoryId: 'entra',
  resourceType: 'User',
  query: JSON.stringify({ filter: null, sort: ['userName', 'ascending'] }),
  count: 100,
};
const key = ephemeralCursorKey();

/** A codec whose clock the test moves. */
function codecAt(start = Date.parse('2026-03-01T12:00:00Z')) {
  let now = start;
  const codec = new CursorCodec(key, { clock: () => new Date(now) });
  return { codec, advance: (seconds: number) => (now += seconds * 1000) };
}

async function rejection(promise: Promise<unknown>): Promise<ScimError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ScimError)) throw new Error(`expected a ScimError, got ${String(error)}`);
  return error;
}

describe('paging cursors (RFC 9865)', () => {
  it('round-trips a position, with or without a sort key, in URL-safe unreserved characters only', async () => {
    const { codec } = codecAt();
    for (const position of [
      { direction: 'after', id: 'a1b2' },
      { direction: 'before', id: 'c3', key: 'ada lovelace' },
      { direction: 'after', id: 'd4', key: 1_767_225_600_000 },
      { direction: 'after', id: 'e5', key: null },
      { direction: 'before', id: 'f6', key: 'zoë 名前 🎉' },
    ] as const) {
      const cursor = await codec.issue(scope, position);
      expect(cursor).toMatch(/^[A-Za-z0-9._~-]+$/);
      expect(await codec.open(cursor, scope)).toEqual(position);
    }
  });

  it('refuses a tampered cursor with 400 invalidCursor', async () => {
    const { codec } = codecAt();
    const cursor = await codec.issue(scope, { direction: 'after', id: 'user-7' });
    const [body = '', mac = ''] = cursor.split('.');
    // Forge a position: same shape, another user id, the original signature.
    const forgedBody = Buffer.from(
      Buffer.from(body, 'base64url').toString('utf8').replace('user-7', 'user-9'),
    ).toString('base64url');
    const flip = (text: string, at: number) =>
      `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
    for (const tampered of [
      `${forgedBody}.${mac}`,
      `${flip(body, 3)}.${mac}`,
      `${body}.${flip(mac, 5)}`,
      `${body}.`,
      body,
      `${cursor}.${mac}`,
    ]) {
      const error = await rejection(codec.open(tampered, scope));
      expect(error).toMatchObject({ status: 400, scimType: 'invalidCursor' });
    }
  });

  it('refuses a cursor of another directory, resource type, query or deployment key, with one message whatever the reason', async () => {
    const { codec } = codecAt();
    const cursor = await codec.issue(scope, { direction: 'after', id: 'user-7' });
    const tampered = await rejection(codec.open(`${cursor.slice(0, -2)}AA`, scope));
    const others: [CursorCodec, CursorScope][] = [
      [codec, { ...scope, directoryId: 'okta' }],
      [codec, { ...scope, resourceType: 'Group' }],
      [codec, { ...scope, query: JSON.stringify({ filter: null, sort: ['userName', 'descending'] }) }],
      [codec, { ...scope, query: JSON.stringify({ filter: null, sort: null }) }],
      [new CursorCodec(ephemeralCursorKey()), scope],
    ];
    for (const [other, otherScope] of others) {
      const error = await rejection(other.open(cursor, otherScope));
      expect(error).toMatchObject({ status: 400, scimType: 'invalidCursor' });
      // RFC 9865 §5.2: the same answer whether forged or merely out of scope.
      expect(error.detail).toBe(tampered.detail);
    }
  });

  it(`expires cursorTimeout (${CURSOR_TIMEOUT_SECONDS} s) after it was issued, with 400 expiredCursor`, async () => {
    const { codec, advance } = codecAt();
    const cursor = await codec.issue(scope, { direction: 'after', id: 'user-7' });
    advance(CURSOR_TIMEOUT_SECONDS - 1);
    expect(await codec.open(cursor, scope)).toEqual({ direction: 'after', id: 'user-7' });
    advance(2);
    expect(await rejection(codec.open(cursor, scope))).toMatchObject({
      status: 400,
      scimType: 'expiredCursor',
    });
  });

  it('answers a count other than the one the cursor was issued for with 400 invalidCount', async () => {
    const { codec } = codecAt();
    const cursor = await codec.issue(scope, { direction: 'after', id: 'user-7' });
    const error = await rejection(codec.open(cursor, { ...scope, count: 50 }));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidCount' });
    expect(error.detail).toContain('count=100');
  });

  it('fuzz: any string is either a cursor it issued or a 400 invalidCursor, never another error', async () => {
    const { codec } = codecAt();
    const issued = await codec.issue(scope, { direction: 'after', id: 'user-7' });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.stringMatching(/^[A-Za-z0-9_-]{0,120}\.[A-Za-z0-9_-]{0,60}$/),
          fc.nat({ max: issued.length - 1 }).map((at) => `${issued.slice(0, at)}${issued.slice(at + 1)}`),
          fc.string({ minLength: 2000, maxLength: 5000 }),
        ),
        async (text) => {
          if (text === issued) return;
          const error = await rejection(codec.open(text, scope));
          expect(error).toMatchObject({ status: 400, scimType: 'invalidCursor' });
        },
      ),
      { numRuns: 1500 },
    );
  });
});
