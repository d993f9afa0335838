/**
 * A small connector for testing the runtime, written as a shipped connector is: settings and
 * secrets schemas, one handler per event, outcomes from vendor statuses.
 */
import { z } from 'zod';
import { defineConnector, type Outcome, type VendorHttp } from '../../shared/connectors/connector.ts';
import { PermanentError } from '../../shared/connectors/errors.ts';
import type { UserSnapshot } from '../../shared/events/envelope.ts';

const account = z.object({ id: z.string(), email: z.string(), active: z.boolean() });

/** The runtime's vendor client without its own retries: a test sees each vendor answer. */
export const NO_VENDOR_RETRIES = { retry: { retries: 0 } } as const;

async function findAccount(http: VendorHttp, user: UserSnapshot) {
  const email = user.emails?.find((candidate) => candidate.primary)?.value ?? user.userName;
  const found = await http.request({
    method: 'GET',
    url: 'users',
    query: { email },
  });
  return {
    found,
    accounts: found.status === 200 ? z.object({ users: z.array(account) }).parse(found.body).users : [],
  };
}

async function setActive(http: VendorHttp, user: UserSnapshot, active: boolean): Promise<Outcome> {
  const { found, accounts } = await findAccount(http, user);
  if (found.status === 401)
    throw new PermanentError('Acme Chat refused the API token (401).', found.requestId);
  if (found.status >= 500)
    return { status: 'failed_retryable', detail: `Acme Chat answered ${found.status}.` };
  const [target] = accounts;
  if (!target) return { status: 'not_found', detail: 'No Acme Chat account with this e-mail.' };
  const changed = await http.request({
    method: 'POST',
    url: `users/${target.id}/${active ? 'activate' : 'deactivate'}`,
  });
  if (changed.status >= 500)
    return { status: 'failed_retryable', detail: `Acme Chat answered ${changed.status}.` };
  if (changed.status !== 200)
    return { status: 'failed_permanent', detail: `Acme Chat answered ${changed.status}.` };
  return {
    status: active ? 'restored' : 'revoked',
    // Acme Chat documents that a deactivated account can neither sign in nor keep a session.
    ...(active ? {} : { closes: ['login', 'sessions'] as const }),
    detail: `Account ${target.id} ${active ? 'reactivated' : 'deactivated'}.`,
    ...(changed.requestId ? { vendorReference: changed.requestId } : {}),
  };
}

export const sampleConnector = defineConnector({
  id: 'acme-chat',
  application: 'Acme Chat',
  settings: z.object({ apiBaseUrl: z.url() }),
  secrets: z.object({ apiToken: z.string().min(1) }),
  http: ({ settings, secrets }) => ({
    baseUrl: settings.apiBaseUrl,
    headers: { authorization: `Bearer ${secrets.apiToken}` },
    requestIdHeaders: ['x-request-id'],
  }),
  handlers: {
    'user.deactivated': (event, { http }) => setActive(http, event.user, false),
    'user.deleted': (event, { http }) => setActive(http, event.user, false),
    'user.reactivated': (event, { http }) => setActive(http, event.user, true),
  },
});
