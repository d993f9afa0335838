/**
 * Atlassian Cloud: a leaver's access is suspended in the organization's directories through the
 * organization admin API (v2): no Jira, Confluence or other app access, not billed, and their
 * roles and groups come back when access is restored, which is what a returner gets. An
 * organization may choose removal instead (irreversible: a returner then needs an invitation,
 * so it becomes a manual task). See docs/connectors/atlassian.md.
 */

import { z } from 'zod';
import { defineConnector, type Outcome, type VendorHttp } from '#connectors/connector.ts';
import { failureOutcome, succeeded } from '#connectors/outcomes.ts';
import { accountEmail, accountEmailSetting, noAddressDetail } from '#connectors/user-identity.ts';
import { bearerToken } from '#connectors/vendor-auth.ts';
import type { UserSnapshot } from '#events/envelope.ts';

const settings = z.object({
  /** The organization id, from admin.atlassian.com/o/{organizationId}/… or the API key page. */
  organizationId: z.string().min(1),
  /** The directory to act in; without it, every directory the user is in (found through the API). */
  directoryId: z.string().min(1).optional(),
  /** `suspend` (reversible, the default) or `remove` (the user leaves the directory; re-inviting is manual). */
  leaverAction: z.enum(['suspend', 'remove']).default('suspend'),
  apiBaseUrl: z.url().default('https://api.atlassian.com'),
  accountEmail: accountEmailSetting,
});

/** An organization API key (Settings > API keys in Atlassian Administration). */
const secrets = z.object({ apiKey: z.string().min(1) });

type Settings = z.infer<typeof settings>;
const APPLICATION = 'Atlassian';

export default defineConnector({
  id: 'atlassian',
  application: APPLICATION,
  settings,
  secrets,
  http: ({ settings, secrets }) => ({
    baseUrl: `${settings.apiBaseUrl.replace(/\/+$/, '')}/admin/v2/orgs/${encodeURIComponent(settings.organizationId)}`,
    auth: bearerToken(secrets.apiKey),
    requestIdHeaders: ['atl-traceid'],
  }),
  handlers: {
    'user.deactivated': (event, { http, settings }) => revokeAccess(http, settings, event.user),
    'user.deleted': (event, { http, settings }) => revokeAccess(http, settings, event.user),
    'user.reactivated': (event, { http, settings }) => restoreAccess(http, settings, event.user),
  },
});

interface Account {
  readonly accountId: string;
  readonly email?: string;
  /** active: in at least one directory; suspended: suspended in all; no_membership: in none. */
  readonly membershipStatus?: 'active' | 'suspended' | 'no_membership';
}

interface Page<T> {
  readonly data?: T[];
  readonly links?: { readonly next?: string | null };
}

async function revokeAccess(http: VendorHttp, settings: Settings, user: UserSnapshot): Promise<Outcome> {
  const found = await findAccount(http, settings, user);
  if ('status' in found) return found;
  const { account, email } = found;
  const reference = { vendorReference: account.accountId };
  if (account.membershipStatus === 'no_membership') {
    return {
      status: 'not_found',
      detail: `Atlassian account ${email} is in no directory of the organization`,
      ...reference,
    };
  }
  if (settings.leaverAction === 'suspend' && account.membershipStatus === 'suspended') {
    return { status: 'revoked', detail: `Atlassian access of ${email} was already suspended`, ...reference };
  }
  const verb = settings.leaverAction === 'suspend' ? 'Suspended' : 'Removed';
  const acted = await inEachDirectory(http, settings, account, (directory) =>
    settings.leaverAction === 'suspend'
      ? { method: 'POST', url: `directories/${directory}/users/${account.accountId}/suspend` }
      : { method: 'DELETE', url: `directories/${directory}/users/${account.accountId}` },
  );
  if (!Array.isArray(acted)) return acted;
  if (acted.length === 0)
    return {
      status: 'not_found',
      detail: `Atlassian account ${email} is in no directory of the organization`,
      ...reference,
    };
  return {
    status: 'revoked',
    detail: `${verb} the Atlassian access of ${email} in ${directories(acted)}`,
    ...reference,
  };
}

async function restoreAccess(http: VendorHttp, settings: Settings, user: UserSnapshot): Promise<Outcome> {
  const found = await findAccount(http, settings, user);
  if ('status' in found) return found;
  const { account, email } = found;
  const reference = { vendorReference: account.accountId };
  if (account.membershipStatus === 'active') {
    return { status: 'restored', detail: `Atlassian access of ${email} is already active`, ...reference };
  }
  if (account.membershipStatus === 'no_membership') {
    return {
      status: 'manual_pending',
      detail: 'The account was removed from the directory, and Atlassian restores only suspended access',
      instructions: `Invite ${email} to the organization again in Atlassian Administration and give back their app roles and groups.`,
      ...reference,
    };
  }
  const restored = await inEachDirectory(http, settings, account, (directory) => ({
    method: 'POST',
    url: `directories/${directory}/users/${account.accountId}/restore`,
  }));
  if (!Array.isArray(restored)) return restored;
  return {
    status: 'restored',
    detail: `Restored the Atlassian access of ${email} in ${directories(restored)}`,
    ...reference,
  };
}

/** The organization's account with the user's email, through the directory user search (exact email match). */
async function findAccount(
  http: VendorHttp,
  settings: Settings,
  user: UserSnapshot,
): Promise<{ account: Account; email: string } | Outcome> {
  const email = accountEmail(user, settings.accountEmail);
  if (!email)
    return { status: 'failed_permanent', detail: noAddressDetail(APPLICATION, user, settings.accountEmail) };
  let cursor: string | undefined;
  do {
    const response = await http.request({
      method: 'POST',
      // "-" searches every directory the API key may manage.
      url: 'directories/-/users/search',
      json: { emails: [email], limit: 100, ...(cursor ? { cursor } : {}) },
    });
    if (response.status !== 200) return failureOutcome(APPLICATION, response, `search for ${email}`);
    const page = response.body as Page<Account>;
    const account = page.data?.find((candidate) => candidate.email?.toLowerCase() === email.toLowerCase());
    if (account) return { account, email };
    cursor = page.links?.next ?? undefined;
  } while (cursor);
  return { status: 'not_found', detail: `Atlassian has no account ${email} in the organization` };
}

/**
 * Sends one request per directory the account is in (or the configured one) and returns the
 * directories it succeeded in. A 404 in a directory the API listed for the account means it left
 * meanwhile and is skipped; in the configured directory it is a failure, never "no account" (the
 * directory id may be wrong).
 */
async function inEachDirectory(
  http: VendorHttp,
  settings: Settings,
  account: Account,
  request: (directoryId: string) => { method: 'POST' | 'DELETE'; url: string },
): Promise<string[] | Outcome> {
  const ids = settings.directoryId ? [settings.directoryId] : await directoriesOf(http, account);
  if (!Array.isArray(ids)) return ids;
  const done: string[] = [];
  for (const id of ids) {
    const { method, url } = request(encodeURIComponent(id));
    const response = await http.request({ method, url });
    const action = `${method === 'DELETE' ? 'remove' : url.split('/').pop()} ${account.accountId} in directory ${id}`;
    if (succeeded(response)) done.push(id);
    else if (response.status !== 404 || settings.directoryId)
      return failureOutcome(APPLICATION, response, action);
  }
  return done;
}

async function directoriesOf(http: VendorHttp, account: Account): Promise<string[] | Outcome> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const response = await http.request({
      method: 'GET',
      url: 'directories',
      query: { accountId: account.accountId, ...(cursor ? { cursor } : {}) },
    });
    if (response.status !== 200)
      return failureOutcome(APPLICATION, response, `list the directories of ${account.accountId}`);
    const page = response.body as Page<{ directoryId?: string }>;
    ids.push(
      ...(page.data ?? []).flatMap((directory) => (directory.directoryId ? [directory.directoryId] : [])),
    );
    cursor = page.links?.next ?? undefined;
  } while (cursor);
  return ids;
}

const directories = (ids: string[]) =>
  ids.length === 1 ? `directory ${ids[0]}` : `${ids.length} directories (${ids.join(', ')})`;
