/**
 * A webhook receiver as a careful application would write one, for the webhook connector: it
 * verifies each POST with the connector's own `verify` (signature over the raw body, timestamp
 * tolerance), ignores an event id it has already processed, and answers 404 for users it does not
 * know. Tests read what it accepted and what it rejected.
 */
import { randomBytes } from 'node:crypto';
import { verify } from '../../functions/connectors/webhook/signature.ts';
import { type FakeVendor, jsonBody, startFakeServer } from './fake-server.ts';

export interface WebhookFakeOptions {
  readonly port?: number;
  readonly path?: string;
  /** userNames the receiver has no account for: it answers 404. */
  readonly unknownUsers?: readonly string[];
  /** userNames whose account was deleted: it answers 410. */
  readonly goneUsers?: readonly string[];
  /** What the receiver says its offboarding closed, in its 200 answer (`closes`). */
  readonly closes?: readonly string[];
}

export interface ReceivedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly user: { readonly userName: string; readonly active: boolean };
}

export interface WebhookFake extends FakeVendor {
  readonly signingSecret: string;
  /** Verified events, each once, in arrival order. */
  readonly received: readonly ReceivedEvent[];
  /** Why requests were refused (bad_signature, stale_timestamp, missing_headers). */
  readonly rejected: readonly string[];
  /** Deliveries of an event id already processed (answered 200, not processed again). */
  readonly duplicates: number;
  connectorConfig(): { settings: { url: string; application: string }; secrets: { signingSecret: string } };
}

export async function startWebhookFake(options: WebhookFakeOptions = {}): Promise<WebhookFake> {
  const path = options.path ?? '/hooks/leavers';
  const signingSecret = randomBytes(32).toString('hex');
  const received: ReceivedEvent[] = [];
  const rejected: string[] = [];
  const seen = new Set<string>();
  const state = { duplicates: 0 };

  const fake = await startFakeServer(
    (request) => {
      if (request.url.pathname !== path || request.method !== 'POST')
        return { status: 404, body: { error: 'no such hook' } };
      const check = verify(signingSecret, request.headers, request.body);
      if (!check.ok) {
        rejected.push(check.reason);
        return { status: 401, body: { error: check.reason } };
      }
      const event = jsonBody(request) as ReceivedEvent;
      if (seen.has(event.eventId) || check.eventId !== event.eventId) {
        state.duplicates++;
        return { status: 200, body: { reference: `already-${event.eventId.slice(0, 8)}` } };
      }
      if (options.unknownUsers?.includes(event.user.userName))
        return { status: 404, body: { error: 'unknown user' } };
      if (options.goneUsers?.includes(event.user.userName))
        return { status: 410, body: { error: 'account deleted' } };
      seen.add(event.eventId);
      received.push(event);
      return {
        status: 200,
        body: {
          reference: `offboarding-${received.length}`,
          ...(options.closes ? { closes: options.closes } : {}),
        },
      };
    },
    {
      port: options.port,
      errorBody: (status) => ({ error: `status ${status}` }),
      headers: () => ({ 'x-request-id': randomBytes(6).toString('hex') }),
    },
  );

  const receiver = Object.assign(fake, {
    signingSecret,
    received,
    rejected,
    duplicates: 0,
    connectorConfig: () => ({
      settings: { url: `${fake.url}${path}`, application: 'Intranet' },
      secrets: { signingSecret },
    }),
  });
  // A live count (Object.assign would copy a getter's value once).
  return Object.defineProperty(receiver, 'duplicates', { get: () => state.duplicates });
}
