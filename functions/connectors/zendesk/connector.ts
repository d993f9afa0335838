/**
 * Zendesk: a leaver's user is suspended (no sign-in to Support or the help center; their tickets
 * stay), a returner's is unsuspended. The user is found with the users search API by email,
 * following its pages until the exact address turns up (search matches partially). API token
 * (Basic `{email}/token:{token}`) or OAuth bearer token. See docs/connectors/zendesk.md.
 */

import { z } from 'zod';
import { defineConnector, type Outcome, type VendorHttp } from '#connectors/connector.ts';
import { failureOutcome } from '#connectors/outcomes.ts';
import { accountEmail, accountEmailSetting, noAddressDetail } from '#connectors/user-identity.ts';
import { basicAuth, bearerToken } from '#connectors/vendor-auth.ts';
import type { UserSnapshot } from '#events/envelope.ts';

const settings = z.object({
  /** The account's URL, https://{subdomain}.zendesk.com. */
  url: z.url(),
  accountEmail: accountEmailSetting,
});

const secrets = z.union([
  /** An API token, used with the email of the admin who created it. */
  z.object({ email: z.email(), apiToken: z.string().min(1) }),
  /** An OAuth access token with the users:write scope. */
  z.object({ oauthToken: z.string().min(1) }),
]);

type Settings = z.infer<typeof settings>;
const APPLICATION = 'Zendesk';
/** Zendesk search returns at most 100 per page and 1,000 results a query; 10 pages is all there is. */
const MAX_PAGES = 10;

export default defineConnector({
  id: 'zendesk',
  application: APPLICATION,
  settings,
  secrets,
  http: ({ settings, secrets }) => ({
    baseUrl: `${settings.url.replace(/\/+$/, '')}/api/v2`,
    auth:
      'oauthToken' in secrets
        ? bearerToken(secrets.oauthToken)
        : basicAuth(`${secrets.email}/token`, secrets.apiToken),
    requestIdHeaders: ['x-zendesk-request-id', 'x-request-id'],
  }),
  handlers: {
    'user.deactivated': (event, { http, settings }) => setSuspended(http, settings, event.user, true),
    'user.deleted': (event, { http, settings }) => setSuspended(http, settings, event.user, true),
    'user.reactivated': (event, { http, settings }) => setSuspended(http, settings, event.user, false),
  },
});

interface ZendeskUser {
  readonly id: number;
  readonly email?: string | null;
  readonly suspended?: boolean;
}

interface SearchPage {
  readonly users?: ZendeskUser[];
  readonly next_page?: string | null;
}

async function setSuspended(
  http: VendorHttp,
  settings: Settings,
  user: UserSnapshot,
  suspended: boolean,
): Promise<Outcome> {
  const email = accountEmail(user, settings.accountEmail);
  if (!email)
    return { status: 'failed_permanent', detail: noAddressDetail(APPLICATION, user, settings.accountEmail) };
  const done = suspended ? 'revoked' : 'restored';

  const found = await findByEmail(http, email);
  if ('status' in found) return found;
  if (!found.user) return { status: 'not_found', detail: `Zendesk has no user ${email}` };
  const id = String(found.user.id);
  if (Boolean(found.user.suspended) === suspended) {
    return {
      status: done,
      detail: `Zendesk user ${email} was already ${suspended ? 'suspended' : 'not suspended'}`,
      vendorReference: id,
    };
  }

  const updated = await http.request({ method: 'PUT', url: `users/${id}`, json: { user: { suspended } } });
  if (updated.status === 200) {
    return {
      status: done,
      detail: `Zendesk user ${email} ${suspended ? 'suspended' : 'unsuspended'}`,
      vendorReference: id,
    };
  }
  return failureOutcome(APPLICATION, updated, `${suspended ? 'suspend' : 'unsuspend'} ${email}`);
}

/** The user whose email is exactly `email` (case-insensitively), paging through the search results. */
async function findByEmail(http: VendorHttp, email: string): Promise<{ user?: ZendeskUser } | Outcome> {
  let url: string | null | undefined = 'users/search';
  let query: Record<string, string> | undefined = { query: `email:${email}`, per_page: '100' };
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const response = await http.request({ method: 'GET', url, ...(query ? { query } : {}) });
    if (response.status !== 200) return failureOutcome(APPLICATION, response, `search for ${email}`);
    const body = response.body as SearchPage;
    const user = body.users?.find((candidate) => candidate.email?.toLowerCase() === email.toLowerCase());
    if (user) return { user };
    // next_page is an absolute URL carrying the query and the page.
    url = body.next_page;
    query = undefined;
  }
  return {};
}
