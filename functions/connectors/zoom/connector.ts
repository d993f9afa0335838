/**
 * Zoom: a leaver's user is deactivated: they can no longer sign in and Zoom removes their licences
 * (their meetings and recordings stay with the account). Zoom refuses to deactivate an admin, so
 * an admin is made a member first; an SSO user's SSO token is revoked, which ends their live
 * session; a pending user (an invitation not yet accepted) cannot be deactivated and is deleted
 * instead. A returner is activated again and gets back the licence type recorded when they left.
 * Server-to-Server OAuth app credentials. See docs/connectors/zoom.md.
 */

import type { z } from 'zod';
import { defineConnector, type Outcome, type VendorHttp } from '#connectors/connector.ts';
import { failureOutcome } from '#connectors/outcomes.ts';
import { type AccountEmailSource, accountEmail, noAddressDetail } from '#connectors/user-identity.ts';
import { oauthClientCredentials } from '#connectors/vendor-auth.ts';
import type { UserSnapshot } from '#events/envelope.ts';
import manifest from './manifest.ts';

const APPLICATION = manifest.application;
type Settings = z.infer<typeof manifest.settings>;

export default defineConnector({
  ...manifest,
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
    'user.deactivated': (event, { http, settings }) => revoke(http, settings, event.user),
    'user.deleted': (event, { http, settings }) => revoke(http, settings, event.user),
    'user.reactivated': (event, { http, settings, restoreState }) =>
      restore(http, settings, event.user, restoreState),
  },
});

interface ZoomUser {
  readonly id?: string;
  readonly status?: 'active' | 'inactive' | 'pending';
  /** 1 Basic, 2 Licensed, 4 Unassigned without Meetings Basic, 99 None. */
  readonly type?: number;
  /** 0 Owner, 1 Admin, 2 Member, or a custom role. */
  readonly role_id?: string;
  readonly role_name?: string;
  readonly login_types?: readonly number[];
}

/** Zoom's "User does not exist" error code, sent with 404 (and with 400 by some endpoints). */
const USER_DOES_NOT_EXIST = 1001;
/** Zoom's login type for single sign-on (Get a user: `login_types`). */
const SSO_LOGIN = 101;
const OWNER_ROLE = '0';
const BASIC = '1';
const USER_TYPES: Record<string, string> = {
  '1': 'Basic',
  '2': 'Licensed',
  '4': 'Unassigned without Meetings Basic',
  '99': 'None',
};
const typeName = (type: string) => USER_TYPES[type] ?? `type ${type}`;

type Found = { readonly user: ZoomUser; readonly id: string; readonly email: string } | Outcome;

async function lookUp(http: VendorHttp, user: UserSnapshot, source: AccountEmailSource): Promise<Found> {
  const email = accountEmail(user, source);
  if (!email) return { status: 'failed_permanent', detail: noAddressDetail(APPLICATION, user, source) };
  const found = await http.request({ method: 'GET', url: `users/${encodeURIComponent(email)}` });
  if (isUnknownUser(found)) return { status: 'not_found', detail: `Zoom has no user ${email}` };
  if (found.status !== 200) return failureOutcome(APPLICATION, found, `look up ${email}`);
  const zoomUser = found.body as ZoomUser;
  return { user: zoomUser, id: zoomUser.id ?? email, email };
}

async function revoke(http: VendorHttp, settings: Settings, snapshot: UserSnapshot): Promise<Outcome> {
  const found = await lookUp(http, snapshot, settings.accountEmail);
  if ('status' in found) return found;
  const { user, id, email } = found;
  const reference = { vendorReference: id };
  const path = encodeURIComponent(id);
  if (user.status === 'pending') {
    // Zoom cannot deactivate a user who has not accepted the invitation; its reference says
    // "to delete pending user in the account, use disassociate".
    const deleted = await http.request({
      method: 'DELETE',
      url: `users/${path}`,
      query: { action: 'disassociate' },
    });
    if (isUnknownUser(deleted)) return { status: 'not_found', detail: `Zoom has no user ${email}` };
    if (deleted.status !== 204)
      return failureOutcome(APPLICATION, deleted, `delete the pending user ${email}`);
    return {
      status: 'revoked',
      detail: `Zoom user ${email} had not accepted their invitation: the pending user was deleted`,
      closes: ['login', 'sessions', 'apiTokens', 'seat'],
      ...reference,
    };
  }
  if (user.status === 'inactive')
    return {
      status: 'revoked',
      detail: `Zoom user ${email} was already deactivated`,
      closes: ['login', 'seat'],
      ...reference,
    };
  if (user.role_id === OWNER_ROLE)
    return {
      status: 'failed_permanent',
      detail: `Zoom user ${email} is the account owner, whom Zoom cannot deactivate: transfer the account ownership in Zoom, then deactivate them`,
      ...reference,
    };

  const done: string[] = [];
  let sessionEnded = false;
  if (settings.revokeSsoToken && user.login_types?.includes(SSO_LOGIN)) {
    const revoked = await http.request({ method: 'DELETE', url: `users/${path}/token` });
    if (revoked.status !== 204)
      return failureOutcome(APPLICATION, revoked, `revoke the SSO token of ${email}`);
    sessionEnded = true;
    done.push('their SSO session ended');
  }
  const role = user.role_id;
  const demoted = role !== undefined && role !== settings.memberRoleId;
  if (demoted) {
    // Zoom refuses to deactivate an admin: a user has one role, so assigning Member takes it away.
    const assigned = await http.request({
      method: 'POST',
      url: `roles/${encodeURIComponent(settings.memberRoleId)}/members`,
      json: { members: [{ id }] },
    });
    if (assigned.status !== 201 && assigned.status !== 204)
      return failureOutcome(APPLICATION, assigned, `make ${email} a member before deactivating them`);
  }
  const changed = await http.request({
    method: 'PUT',
    url: `users/${path}/status`,
    json: { action: 'deactivate' },
  });
  if (isUnknownUser(changed)) return { status: 'not_found', detail: `Zoom has no user ${email}` };
  if (changed.status !== 204) return failureOutcome(APPLICATION, changed, `deactivate ${email}`);

  const type = user.type === undefined ? undefined : String(user.type);
  // A Basic user holds no paid licence; anything else was one, and deactivation removed it.
  if (type && type !== BASIC) done.push(`their ${typeName(type)} licence was released`);
  const roleName = user.role_name ?? `role ${role}`;
  return {
    status: 'revoked',
    detail: `Zoom user ${email} deactivated${demoted ? ` after their ${roleName} role was taken away (Member)` : ''}${done.length ? `; ${done.join('; ')}` : ''}`,
    closes: sessionEnded ? ['login', 'sessions', 'seat'] : ['login', 'seat'],
    ...(type || demoted
      ? { restoreState: { ...(type ? { type } : {}), ...(demoted && role ? { roleId: role } : {}) } }
      : {}),
    ...reference,
  };
}

async function restore(
  http: VendorHttp,
  settings: Settings,
  snapshot: UserSnapshot,
  kept: Readonly<Record<string, string>> | undefined,
): Promise<Outcome> {
  const found = await lookUp(http, snapshot, settings.accountEmail);
  if ('status' in found) return found;
  const { user, id, email } = found;
  const reference = { vendorReference: id };
  const path = encodeURIComponent(id);
  if (user.status === 'pending')
    return {
      status: 'restored',
      detail: `Zoom user ${email} has a pending invitation to accept`,
      ...reference,
    };
  const activated = user.status !== 'active';
  if (activated) {
    const changed = await http.request({
      method: 'PUT',
      url: `users/${path}/status`,
      json: { action: 'activate' },
    });
    if (isUnknownUser(changed)) return { status: 'not_found', detail: `Zoom has no user ${email}` };
    if (changed.status !== 204) return failureOutcome(APPLICATION, changed, `activate ${email}`);
  }
  const roleNote =
    kept?.roleId && kept.roleId !== settings.memberRoleId
      ? `; their ${kept.roleId === '1' ? 'Admin' : `role ${kept.roleId}`} role is not given back automatically: assign it in Zoom if they still need it`
      : '';
  const state = activated ? 'activated' : 'was already active';
  const type = kept?.type;
  if (!type) {
    if (!activated)
      return { status: 'restored', detail: `Zoom user ${email} was already active${roleNote}`, ...reference };
    // Deactivation removed the licences, activation does not give them back, and nothing says which they had.
    return {
      status: 'manual_pending',
      detail: `Zoom user ${email} activated as a ${typeName(BASIC)} user${roleNote}`,
      instructions: `Zoom removed ${email}'s licence when they were deactivated and no record says which they had: assign their licence (user type) in Zoom's User Management if they need one, then confirm.`,
      ...reference,
    };
  }
  if (type === BASIC)
    return { status: 'restored', detail: `Zoom user ${email} ${state}${roleNote}`, ...reference };
  if (String(user.type) !== type || activated) {
    const updated = await http.request({
      method: 'PATCH',
      url: `users/${path}`,
      json: { type: Number(type) },
    });
    if (updated.status !== 204)
      return failureOutcome(APPLICATION, updated, `give ${email} their ${typeName(type)} licence back`);
  }
  return {
    status: 'restored',
    detail: `Zoom user ${email} ${state}; their ${typeName(type)} licence was given back${roleNote}`,
    ...reference,
  };
}

/** Only Zoom's own code says "no such user": a bare 404 (a wrong base URL) must never read as a leaver without an account. */
function isUnknownUser(response: { status: number; body: unknown }): boolean {
  return (response.body as { code?: unknown } | undefined)?.code === USER_DOES_NOT_EXIST;
}
