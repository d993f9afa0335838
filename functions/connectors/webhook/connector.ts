/**
 * A signed webhook, for an in-house application (or an automation platform) that does its own
 * offboarding: each leaver and returner event is POSTed as JSON to a configured URL, signed so
 * the receiver can check where it came from and refuse replays (./signature.ts). The receiver's
 * status decides the outcome: 2xx done, 404/410 no such account, 429/5xx retried, other 4xx a
 * permanent failure. See docs/connectors/webhook.md.
 */

import type { z } from 'zod';
import {
  ACCESS_PATHS,
  type AccessPath,
  defineConnector,
  type Outcome,
  type VendorHttp,
} from '#connectors/connector.ts';
import { failureOutcome, succeeded } from '#connectors/outcomes.ts';
import type { UserEvent } from '#events/catalogue.ts';
import manifest from './manifest.ts';
import { signatureHeaders } from './signature.ts';

type Settings = z.infer<typeof manifest.settings>;
type Secrets = z.infer<typeof manifest.secrets>;

export default defineConnector({
  ...manifest,
  http: () => ({ requestIdHeaders: ['x-request-id'] }),
  handlers: {
    'user.deactivated': (event, { http, settings, secrets }) =>
      deliver(http, settings, secrets, event, 'revoked'),
    'user.deleted': (event, { http, settings, secrets }) =>
      deliver(http, settings, secrets, event, 'revoked'),
    'user.reactivated': (event, { http, settings, secrets }) =>
      deliver(http, settings, secrets, event, 'restored'),
  },
});

async function deliver(
  http: VendorHttp,
  settings: Settings,
  secrets: Secrets,
  event: UserEvent,
  done: 'revoked' | 'restored',
): Promise<Outcome> {
  // The body is the lifecycle event as docs/events.md defines it; signed as sent, byte for byte.
  const body = JSON.stringify(event);
  const signingSecrets = [
    secrets.signingSecret,
    ...(secrets.previousSigningSecret ? [secrets.previousSigningSecret] : []),
  ];
  const response = await http.request({
    method: 'POST',
    url: settings.url,
    headers: { 'content-type': 'application/json', ...signatureHeaders(signingSecrets, body, event.eventId) },
    body,
  });
  const answer = response.body as { reference?: unknown; closes?: unknown } | undefined;
  const reference = answer?.reference;
  const vendorReference = typeof reference === 'string' ? reference : response.requestId;
  const evidence = vendorReference ? { vendorReference } : {};
  const who = event.user.userName;
  if (succeeded(response)) {
    // Only the receiver knows what its offboarding closed: the evidence says what it answered, or nothing.
    const closes = done === 'revoked' ? closesIn(answer?.closes) : [];
    return {
      status: done,
      detail: `${settings.application} accepted ${event.type} for ${who} (${response.status})`,
      ...evidence,
      ...(closes.length > 0 ? { closes } : {}),
    };
  }
  if (response.status === 404 || response.status === 410) {
    return {
      status: 'not_found',
      detail: `${settings.application} has no account for ${who} (${response.status})`,
      ...evidence,
    };
  }
  return failureOutcome(settings.application, response, `accept ${event.type} for ${who}`);
}

/** The access paths the receiver named in `closes`, those the evidence knows; anything else is left out. */
function closesIn(value: unknown): AccessPath[] {
  if (!Array.isArray(value)) return [];
  return ACCESS_PATHS.filter((path) => value.includes(path));
}
