/**
 * Atlassian Cloud: a leaver's access is suspended in the organization's directories through the
 * organization admin API (v2): no Jira, Confluence or other app access, not billed, and their
 * roles and groups come back when access is restored, which is what a returner gets. An
 * organization may choose removal instead (irreversible: a returner then needs an invitation,
 * so it becomes a manual task). A managed account (on the organization's verified domain) is also
 * deactivated through the user management API's account lifecycle: no login to any Atlassian
 * service and no API token works; a returner's is enabled again. See docs/connectors/atlassian.md.
 */

import type { z } from 'zod';
import { defineConnector, type Outcome, type VendorHttp } from '#connectors/connector.ts';
import { failureOutcome, succeeded } from '#connectors/outcomes.ts';
import { accountEmail, noAddressDetail } from '#connectors/user-identity.ts';
import { bearerToken } from '#connectors/vendor-auth.ts';
import type { UserSnapshot } from '#events/envelope.ts';
import manifest from './manifest.ts';

const APPLICATION = manifest.application;
type Settings = z.infer<typeof manifest.settings>;

export default defineConnector({
  ...manifest,
  http: ({ settings, secrets }) => ({
    baseUrl: `${settings.apiBaseUrl.replace(/\/+$/, '')}/admin/v2/orgs/${encodeURIComponent(settings.organizationId)}`,
    auth: bearerToken(secrets.apiKey),
    requestIdHeaders: ['atl-traceid'],
  }),
  handlers: {
    'user.deactivated': (event, { http, settings }) => revokeAccess(http, settings, event.user),
    'user.deleted': (event, { http, settings }) => revokeAccess(http, settings, event.user),
    'user.reactivated': (event, { http, settings, restoreState }) =>
      restoreAccess(http, settings, event.user, restoreState),
  },
});

interface Account {
  readonly accountId: string;
  readonly email?: string;
  /** active: in at least one directory; suspended: suspended in all; no_membership: in none. */
  readonly membershipStatus?: 'active' | 'suspended' | 'no_membership';
  /** inactive: the account is deactivated (lifecycle disable) and has access to nothing. */
  readonly accountStatus?: 'active' | 'inactive' | 'closed';
  /** managed: on a domain the organization verified, so the organization can deactivate it. */
  readonly claimStatus?: 'managed' | 'unmanaged';
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
  const noMembership: Outcome = {
    status: 'not_found',
    detail: `Atlassian account ${email} is in no directory of the organization`,
    ...reference,
  };
  if (account.membershipStatus === 'no_membership') return noMembership;
  const suspend = settings.leaverAction === 'suspend';
  let detail = `Atlassian access of ${email} was already suspended`;
  if (!suspend || account.membershipStatus !== 'suspended') {
    const acted = await inEachDirectory(
      http,
      settings,
      account,
      (directory) =>
        suspend
          ? { method: 'POST', url: `directories/${directory}/users/${account.accountId}/suspend` }
          : { method: 'DELETE', url: `directories/${directory}/users/${account.accountId}` },
      suspend ? 'suspended' : undefined,
    );
    if (!('done' in acted)) return acted;
    if (acted.done.length === 0 && acted.skipped.length === 0) return noMembership;
    if (acted.done.length > 0)
      detail = `${suspend ? 'Suspended' : 'Removed'} the Atlassian access of ${email} in ${directories(acted.done)}${
        acted.skipped.length > 0 ? ` (already suspended in ${directories(acted.skipped)})` : ''
      }`;
  }
  const disabled = await disableAccount(http, settings, account);
  if (!('accountDetail' in disabled)) return disabled;
  return {
    status: 'revoked',
    detail: `${detail}${disabled.accountDetail}`,
    closes: disabled.closes,
    ...(disabled.restoreState ? { restoreState: disabled.restoreState } : {}),
    ...reference,
  };
}

interface AccountDeactivation {
  /** Appended to the directory part of the outcome's detail. */
  readonly accountDetail: string;
  readonly closes: NonNullable<Outcome['closes']>;
  readonly restoreState?: Readonly<Record<string, string>>;
}

/**
 * Deactivates a managed account (user management API, lifecycle `disable`): the account can no
 * longer log in to any Atlassian service, so its sessions and API tokens stop working too. An
 * unmanaged account belongs to the person, not the organization, and only loses the access above.
 */
async function disableAccount(
  http: VendorHttp,
  settings: Settings,
  account: Account,
): Promise<AccountDeactivation | Outcome> {
  const directoryOnly = { closes: ['login', 'seat'] } as const;
  if (!settings.disableManagedAccounts) return { ...directoryOnly, accountDetail: '' };
  if (account.claimStatus !== 'managed')
    return {
      ...directoryOnly,
      accountDetail:
        '; their Atlassian account is not managed by the organization, so it stays enabled and its API tokens keep working outside these directories',
    };
  const everything = { closes: ['login', 'sessions', 'apiTokens', 'seat'] } as const;
  if (account.accountStatus === 'inactive')
    return { ...everything, accountDetail: '; their managed Atlassian account was already deactivated' };
  const response = await http.request({ method: 'POST', url: lifecycleUrl(settings, account, 'disable') });
  if (!succeeded(response))
    return failureOutcome(APPLICATION, response, `deactivate the account ${account.accountId}`);
  return {
    ...everything,
    accountDetail: '; deactivated their managed Atlassian account (no login, no API tokens anywhere)',
    restoreState: { accountDisabled: 'true' },
  };
}

const lifecycleUrl = (settings: Settings, account: Account, action: 'disable' | 'enable') =>
  `${settings.apiBaseUrl.replace(/\/+$/, '')}/users/${encodeURIComponent(account.accountId)}/manage/lifecycle/${action}`;

async function restoreAccess(
  http: VendorHttp,
  settings: Settings,
  user: UserSnapshot,
  kept: Readonly<Record<string, string>> | undefined,
): Promise<Outcome> {
  const found = await findAccount(http, settings, user);
  if ('status' in found) return found;
  const { account, email } = found;
  const reference = { vendorReference: account.accountId };
  let enabled = '';
  if (account.accountStatus === 'inactive') {
    // Only an account this connector deactivated is enabled again.
    if (kept?.accountDisabled !== 'true')
      return {
        status: 'manual_pending',
        detail: `The Atlassian account of ${email} is deactivated, and not by this connector`,
        instructions: `Check why the Atlassian account of ${email} was deactivated; if they should come back, activate it in Atlassian Administration (Directory > Managed accounts), restore their access, then confirm.`,
        ...reference,
      };
    const response = await http.request({ method: 'POST', url: lifecycleUrl(settings, account, 'enable') });
    if (!succeeded(response))
      return failureOutcome(APPLICATION, response, `enable the account ${account.accountId}`);
    enabled = `Enabled the Atlassian account of ${email}; `;
  }
  if (account.membershipStatus === 'active') {
    return {
      status: 'restored',
      detail: `${enabled}Atlassian access of ${email} is already active`,
      ...reference,
    };
  }
  if (account.membershipStatus === 'no_membership') {
    return {
      status: 'manual_pending',
      detail: `${enabled}The account was removed from the directory, and Atlassian restores only suspended access`,
      instructions: `Invite ${email} to the organization again in Atlassian Administration and give back their app roles and groups.`,
      ...reference,
    };
  }
  const restored = await inEachDirectory(http, settings, account, (directory) => ({
    method: 'POST',
    url: `directories/${directory}/users/${account.accountId}/restore`,
  }));
  if (!('done' in restored)) return restored;
  return {
    status: 'restored',
    detail: `${enabled}${enabled ? 'restored' : 'Restored'} the Atlassian access of ${email} in ${directories(restored.done)}`,
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
      // No `limit`: the documented default page (50) is what the search is built for.
      json: { emails: [email], ...(cursor ? { cursor } : {}) },
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
 * directories it succeeded in, and those skipped because the account's access there already is
 * `skipIn` (read from the user's details in that directory). A 404 in a directory the API listed
 * for the account means it left meanwhile and is skipped; in the configured directory it is a
 * failure, never "no account" (the directory id may be wrong).
 */
async function inEachDirectory(
  http: VendorHttp,
  settings: Settings,
  account: Account,
  request: (directoryId: string) => { method: 'POST' | 'DELETE'; url: string },
  skipIn?: 'suspended',
): Promise<{ done: string[]; skipped: string[] } | Outcome> {
  const ids = settings.directoryId ? [settings.directoryId] : await directoriesOf(http, account);
  if (!Array.isArray(ids)) return ids;
  const done: string[] = [];
  const skipped: string[] = [];
  for (const id of ids) {
    const directory = encodeURIComponent(id);
    if (skipIn) {
      const details = await http.request({
        method: 'GET',
        url: `directories/${directory}/users/${account.accountId}`,
      });
      if (details.status === 404 && !settings.directoryId) continue;
      if (details.status !== 200)
        return failureOutcome(
          APPLICATION,
          details,
          `read the access of ${account.accountId} in directory ${id}`,
        );
      const state = (details.body as { data?: { membershipStatus?: string } } | undefined)?.data
        ?.membershipStatus;
      if (state === skipIn) {
        skipped.push(id);
        continue;
      }
    }
    const { method, url } = request(directory);
    const response = await http.request({ method, url });
    const action = `${method === 'DELETE' ? 'remove' : url.split('/').pop()} ${account.accountId} in directory ${id}`;
    if (succeeded(response)) done.push(id);
    else if (response.status !== 404 || settings.directoryId)
      return failureOutcome(APPLICATION, response, action);
  }
  return { done, skipped };
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
