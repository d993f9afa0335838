/**
 * Zoom: a leaver's user is deactivated (they can no longer sign in; meetings, recordings and the
 * licence seat are kept for the account), a returner's is activated again. Server-to-Server
 * OAuth app credentials. See docs/connectors/zoom.md.
 */

import { z } from 'zod';
import { defineConnector, type Outcome, type VendorHttp } from '#connectors/connector.ts';
import { failureOutcome } from '#connectors/outcomes.ts';
import {
  type AccountEmailSource,
  accountEmail,
  accountEmailSetting,
  noAddressDetail,
} from '#connectors/user-identity.ts';
import { oauthClientCredentials } from '#connectors/vendor-auth.ts';
import type { UserSnapshot } from '#events/envelope.ts';

const settings = z.object({
  apiBaseUrl: z.url().default('https://api.zoom.us/v2'),
  tokenUrl: z.url().default('https://zoom.us/oauth/token'),
  /** Which of the user's addresses is their Zoom login. */
  accountEmail: accountEmailSetting,
});

/** The Server-to-Server OAuth app's credentials (App Marketplace > the app > App Credentials). */
const secrets = z.object({
  accountId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});

const APPLICATION = 'Zoom';

export default defineConnector({
  id: 'zoom',
  application: APPLICATION,
  settings,
  secrets,
  http: ({ settings, secrets }) => ({
    baseUrl: settings.apiBaseUrl,
    auth: oauthClientCredentials({
      tokenUrl: settings.tokenUrl,
      clientId: secrets.clientId,
      clientSecret: secrets.clientSecret,
      clientAuthentication: 'basic',
      form: { grant_type: 'account_credentials', account_id: secrets.accountId },
    }),
    requestIdHeaders: ['x-zm-trackingid'],
  }),
  handlers: {
    'user.deactivated': (event, { http, settings }) =>
      setStatus(http, event.user, settings.accountEmail, 'deactivate'),
    'user.deleted': (event, { http, settings }) =>
      setStatus(http, event.user, settings.accountEmail, 'deactivate'),
    'user.reactivated': (event, { http, settings }) =>
      setStatus(http, event.user, settings.accountEmail, 'activate'),
  },
});

interface ZoomUser {
  readonly id?: string;
  readonly status?: 'active' | 'inactive' | 'pending';
}

/** Zoom's "User does not exist" error code, sent with 404 (and with 400 by some endpoints). */
const USER_DOES_NOT_EXIST = 1001;

async function setStatus(
  http: VendorHttp,
  user: UserSnapshot,
  source: AccountEmailSource,
  action: 'deactivate' | 'activate',
): Promise<Outcome> {
  const email = accountEmail(user, source);
  if (!email) return { status: 'failed_permanent', detail: noAddressDetail(APPLICATION, user, source) };
  const done = action === 'deactivate' ? 'revoked' : 'restored';
  const past = action === 'deactivate' ? 'deactivated' : 'activated';
  const notFound: Outcome = { status: 'not_found', detail: `Zoom has no user ${email}` };

  const found = await http.request({ method: 'GET', url: `users/${encodeURIComponent(email)}` });
  if (isUnknownUser(found)) return notFound;
  if (found.status !== 200) return failureOutcome(APPLICATION, found, `look up ${email}`);
  const zoomUser = found.body as ZoomUser;
  const id = zoomUser.id ?? email;
  if (zoomUser.status === (action === 'deactivate' ? 'inactive' : 'active')) {
    return { status: done, detail: `Zoom user ${email} was already ${past}`, vendorReference: id };
  }

  const changed = await http.request({
    method: 'PUT',
    url: `users/${encodeURIComponent(id)}/status`,
    json: { action },
  });
  if (changed.status === 204)
    return { status: done, detail: `Zoom user ${email} ${past}`, vendorReference: id };
  if (isUnknownUser(changed)) return notFound;
  return failureOutcome(APPLICATION, changed, `${action} ${email}`);
}

/** Only Zoom's own code says "no such user": a bare 404 (a wrong base URL) must never read as a leaver without an account. */
function isUnknownUser(response: { status: number; body: unknown }): boolean {
  return (response.body as { code?: unknown } | undefined)?.code === USER_DOES_NOT_EXIST;
}
