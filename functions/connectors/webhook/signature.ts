/**
 * How a webhook receiver knows a leaver event came from this connector and is not a replay: every
 * POST carries the Unix time it was signed at and an HMAC-SHA256, keyed with the shared secret,
 * over `{timestamp}.{body}` (the scheme Stripe and Slack use). A receiver recomputes it over the
 * raw body, compares in constant time, rejects a timestamp older (or newer) than its tolerance,
 * and drops an event id it has already processed. `verify` does the first three.
 *
 * Headers: `X-Scim-Event-Timestamp: 1767225600`, `X-Scim-Event-Signature: v1=<hex>[,v1=<hex>]`
 * (one per signing secret while a secret is being rotated), `X-Scim-Event-Id: <eventId>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-scim-event-timestamp';
export const SIGNATURE_HEADER = 'x-scim-event-signature';
export const EVENT_ID_HEADER = 'x-scim-event-id';
/** Five minutes either way, as Stripe and Slack recommend. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The hex HMAC-SHA256 of `{timestamp}.{body}`. */
export function sign(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The headers that sign `body`: one `v1=` signature per secret (the current one first, then the
 * previous one while receivers switch over).
 *
 * @example
 * signatureHeaders(['s3cr3t…'], body, 'e3b0c442…', 1767225600);
 */
export function signatureHeaders(
  secrets: readonly string[],
  body: string,
  eventId: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: secrets.map((secret) => `v1=${sign(secret, timestamp, body)}`).join(','),
    [EVENT_ID_HEADER]: eventId,
  };
}

export type Verification =
  | { readonly ok: true; readonly timestamp: number; readonly eventId?: string }
  | { readonly ok: false; readonly reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

type HeaderBag = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value.join(',') : (value as string | undefined);
}

/**
 * Checks a received webhook: the signature over the *raw* body (parse JSON only after), with any
 * of the receiver's secrets, and a timestamp within the tolerance. Dedupe by `eventId` as well:
 * a replay inside the tolerance window carries a valid signature.
 *
 * @example
 * const check = verify(process.env.WEBHOOK_SECRET, request.headers, rawBody);
 * if (!check.ok) return reply(401, check.reason);
 */
export function verify(
  secrets: string | readonly string[],
  headers: HeaderBag,
  rawBody: string,
  options: { readonly toleranceSeconds?: number; readonly now?: number } = {},
): Verification {
  const timestampText = header(headers, TIMESTAMP_HEADER);
  const signatures = header(headers, SIGNATURE_HEADER);
  if (!timestampText || !signatures || !/^\d+$/.test(timestampText))
    return { ok: false, reason: 'missing_headers' };
  const timestamp = Number(timestampText);
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const received = signatures
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => Buffer.from(part.slice(3), 'hex'));
  const matches = (typeof secrets === 'string' ? [secrets] : secrets).some((secret) => {
    const expected = Buffer.from(sign(secret, timestamp, rawBody), 'hex');
    return received.some(
      (candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
    );
  });
  if (!matches) return { ok: false, reason: 'bad_signature' };
  const eventId = header(headers, EVENT_ID_HEADER);
  return { ok: true, timestamp, ...(eventId ? { eventId } : {}) };
}
