/**
 * Zendesk: a leaver's user is suspended (no sign-in to Support or the help center; their tickets
 * stay) and their sessions are ended; a leaving agent can also be downgraded to end user, which
 * releases the paid seat. A returner's user is unsuspended. The user is found by email through
 * the users search and their email identities (see find-user.ts). API token (Basic
 * `{email}/token:{token}`) or OAuth bearer token. See docs/connectors/zendesk.md.
 */

import type { z } from 'zod';
import { type AccessPath, defineConnector, type Outcome, type VendorHttp } from '#connectors/connector.ts';
import { failureOutcome } from '#connectors/outcomes.ts';
import { accountEmail, noAddressDetail } from '#connectors/user-identity.ts';
import { basicAuth, bearerToken } from '#connectors/vendor-auth.ts';
import type { UserSnapshot } from '#events/envelope.ts';
import { APPLICATION, findByEmail, type ZendeskUser } from './find-user.ts';
import manifest from './manifest.ts';

type Settings = z.infer<typeof manifest.settings>;

export default defineConnector({
  ...manifest,
  http: ({ settings, secrets }) => ({
    baseUrl: `${settings.url.replace(/\/+$/, '')}/api/v2`,
    auth:
      'oauthToken' in secrets
        ? bearerToken(secrets.oauthToken)
        : basicAuth(`${secrets.email}/token`, secrets.apiToken),
    requestIdHeaders: ['x-zendesk-request-id', 'x-request-id'],
  }),
  handlers: {
    'user.deactivated': (event, { http, settings }) => suspend(http, settings, event.user),
    'user.deleted': (event, { http, settings }) => suspend(http, settings, event.user),
    'user.reactivated': (event, { http, settings }) => unsuspend(http, settings, event.user),
  },
});

type Located = { readonly user: ZendeskUser; readonly email: string } | Outcome;

/** The leaver's Zendesk user by the address the settings name, or the outcome that ends the handler. */
async function locate(http: VendorHttp, settings: Settings, user: UserSnapshot): Promise<Located> {
  const email = accountEmail(user, settings.accountEmail);
  if (!email)
    return { status: 'failed_permanent', detail: noAddressDetail(APPLICATION, user, settings.accountEmail) };
  const found = await findByEmail(http, email);
  if ('status' in found) return found;
  if (!found.user) return { status: 'not_found', detail: `Zendesk has no user ${email}` };
  return { user: found.user, email };
}

async function suspend(http: VendorHttp, settings: Settings, user: UserSnapshot): Promise<Outcome> {
  const found = await locate(http, settings, user);
  if ('status' in found) return found;
  const { email } = found;
  const { id, suspended, role } = found.user;
  const agent = role !== undefined && role !== 'end-user';
  const downgrade = agent && settings.releaseAgentSeat;
  const done: string[] = [];

  if (!suspended || downgrade) {
    const updated = await http.request({
      method: 'PUT',
      url: `users/${id}`,
      json: { user: { suspended: true, ...(downgrade ? { role: 'end-user' } : {}) } },
    });
    if (updated.status !== 200) return failureOutcome(APPLICATION, updated, `suspend ${email}`);
    done.push(suspended ? 'was already suspended' : 'suspended');
    if (downgrade) done.push(`downgraded from ${role} to end user`);
  } else done.push('was already suspended');

  if (settings.endSessions) {
    // https://developer.zendesk.com/api-reference/ticketing/account-configuration/sessions/#bulk-delete-sessions
    const ended = await http.request({ method: 'DELETE', url: `users/${id}/sessions` });
    if (ended.status !== 204 && ended.status !== 200) {
      return failureOutcome(APPLICATION, ended, `end the sessions of ${email}`);
    }
    done.push('sessions ended');
  }

  const closes: AccessPath[] = ['login'];
  if (settings.endSessions) closes.push('sessions');
  // An end user holds no paid seat; an agent keeps theirs until downgraded.
  if (!agent || downgrade) closes.push('seat');
  return {
    status: 'revoked',
    detail: `Zendesk user ${email} ${done.join(', ')}`,
    vendorReference: String(id),
    closes,
  };
}

async function unsuspend(http: VendorHttp, settings: Settings, user: UserSnapshot): Promise<Outcome> {
  const found = await locate(http, settings, user);
  if ('status' in found) return found;
  const { email } = found;
  const id = String(found.user.id);
  if (!found.user.suspended) {
    return {
      status: 'restored',
      detail: `Zendesk user ${email} was already not suspended`,
      vendorReference: id,
    };
  }
  const updated = await http.request({
    method: 'PUT',
    url: `users/${id}`,
    json: { user: { suspended: false } },
  });
  if (updated.status !== 200) return failureOutcome(APPLICATION, updated, `unsuspend ${email}`);
  return { status: 'restored', detail: `Zendesk user ${email} unsuspended`, vendorReference: id };
}
