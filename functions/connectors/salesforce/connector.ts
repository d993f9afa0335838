/**
 * Salesforce: a leaver's login is frozen at once (UserLogin.IsFrozen: no sign-in), their live
 * sessions are ended (AuthSession deleted), then their User is deactivated (IsActive = false: the
 * licence is freed, OAuth refresh tokens stop working, records they own stay theirs). When
 * Salesforce refuses the deactivation (the Default Workflow User, a default case owner...), the
 * user stays frozen and an operator gets the blocking reason. A returner is activated and
 * unfrozen. The User is found with a SOQL query on Username, Email or FederationIdentifier. OAuth
 * 2.0 client credentials flow of an external client app. See docs/connectors/salesforce.md.
 */

import type { z } from 'zod';
import { defineConnector, type Outcome, type VendorHttp } from '#connectors/connector.ts';
import { failureOutcome, vendorMessage } from '#connectors/outcomes.ts';
import { accountEmail, noAddressDetail } from '#connectors/user-identity.ts';
import { oauthClientCredentials } from '#connectors/vendor-auth.ts';
import type { UserSnapshot } from '#events/envelope.ts';
import manifest from './manifest.ts';

const APPLICATION = manifest.application;
type Settings = z.infer<typeof manifest.settings>;

export default defineConnector({
  ...manifest,
  http: ({ settings, secrets }) => ({
    baseUrl: `${settings.instanceUrl.replace(/\/+$/, '')}/services/data/${settings.apiVersion}`,
    auth: oauthClientCredentials({
      tokenUrl: `${settings.instanceUrl.replace(/\/+$/, '')}/services/oauth2/token`,
      clientId: secrets.clientId,
      clientSecret: secrets.clientSecret,
      clientAuthentication: 'form',
      form: { grant_type: 'client_credentials' },
    }),
  }),
  handlers: {
    'user.deactivated': (event, { http, settings }) => revoke(http, settings, event.user),
    'user.deleted': (event, { http, settings }) => revoke(http, settings, event.user),
    'user.reactivated': (event, { http, settings, restoreState }) =>
      restore(http, settings, event.user, restoreState),
  },
});

interface UserRecord {
  readonly Id: string;
  readonly Username: string;
  readonly IsActive: boolean;
}

interface QueryResult<T> {
  readonly totalSize?: number;
  readonly records?: T[];
}

async function findUser(
  http: VendorHttp,
  settings: Settings,
  user: UserSnapshot,
): Promise<UserRecord | Outcome> {
  const value = accountEmail(user, settings.accountEmail);
  if (!value)
    return { status: 'failed_permanent', detail: noAddressDetail(APPLICATION, user, settings.accountEmail) };
  const which = `${settings.matchOn} = '${value}'`;
  const found = await select<UserRecord>(
    http,
    `SELECT Id, Username, IsActive FROM User WHERE ${settings.matchOn} = '${soqlString(value)}'`,
    `find the user with ${which}`,
  );
  if (!Array.isArray(found)) return found;
  const [record, ...others] = found;
  if (!record) return { status: 'not_found', detail: `Salesforce has no user with ${which}` };
  if (others.length > 0) {
    return {
      status: 'failed_permanent',
      detail: `Salesforce has ${found.length} users with ${which} (${found.map((match) => match.Username).join(', ')}); match on Username or FederationIdentifier instead`,
    };
  }
  return record;
}

async function revoke(http: VendorHttp, settings: Settings, user: UserSnapshot): Promise<Outcome> {
  const record = await findUser(http, settings, user);
  if ('status' in record) return record;
  const reference = { vendorReference: record.Id };
  const name = record.Username;
  if (!record.IsActive)
    return {
      status: 'revoked',
      detail: `Salesforce user ${name} was already inactive`,
      closes: ['login', 'apiTokens', 'seat'],
      ...reference,
    };

  // Freezing takes effect at once and is never refused, so the leaver cannot log in even when
  // the deactivation below is blocked.
  const froze = await setFrozen(http, record, true);
  if (typeof froze !== 'boolean') return froze;
  const done = [froze ? 'frozen' : 'already frozen'];
  let sessionsEnded = false;
  if (settings.endSessions) {
    const ended = await endSessions(http, record);
    if (typeof ended !== 'number') return ended;
    sessionsEnded = true;
    done.push(`${ended} session${ended === 1 ? '' : 's'} ended`);
  }
  const restoreState = froze ? { restoreState: { frozen: 'true' } } : {};

  const updated = await http.request({
    method: 'PATCH',
    url: `sobjects/User/${record.Id}`,
    json: { IsActive: false },
  });
  if (updated.status === 204)
    return {
      status: 'revoked',
      detail: `Salesforce user ${name} ${done.join(', ')}, then deactivated`,
      closes: sessionsEnded ? ['login', 'sessions', 'apiTokens', 'seat'] : ['login', 'apiTokens', 'seat'],
      ...restoreState,
      ...reference,
    };
  if (updated.status === 400 && errorCode(updated.body) === 'FIELD_INTEGRITY_EXCEPTION') {
    const reason = vendorMessage(updated.body) ?? 'no reason given';
    return {
      status: 'manual_pending',
      detail: `Salesforce user ${name} frozen (cannot log in)${sessionsEnded ? ' and their sessions ended' : ''}, but Salesforce refused to deactivate them: ${reason}`,
      instructions: `Salesforce will not deactivate ${name} yet: ${reason}. They are frozen and cannot log in, but still hold a licence. In Setup, give their role to another active user (for the Default Workflow User: Process Automation Settings; for default lead or case owners: Lead or Support Settings), then deactivate ${name} in Setup > Users and confirm.`,
      closes: sessionsEnded ? ['login', 'sessions'] : ['login'],
      ...restoreState,
      ...reference,
    };
  }
  return failure(updated, `deactivate ${name}`);
}

async function restore(
  http: VendorHttp,
  settings: Settings,
  user: UserSnapshot,
  kept: Readonly<Record<string, string>> | undefined,
): Promise<Outcome> {
  const record = await findUser(http, settings, user);
  if ('status' in record) return record;
  const reference = { vendorReference: record.Id };
  const done: string[] = [];
  if (!record.IsActive) {
    const updated = await http.request({
      method: 'PATCH',
      url: `sobjects/User/${record.Id}`,
      json: { IsActive: true },
    });
    if (updated.status !== 204) return failure(updated, `activate ${record.Username}`);
    done.push('activated');
  }
  // Only a freeze this connector made is undone: an admin's own freeze stays.
  const login = await userLogin(http, record);
  if (!('Id' in login)) return login;
  let note = '';
  if (login.IsFrozen && kept?.frozen === 'true') {
    const unfrozen = await setFrozen(http, record, false, login);
    if (typeof unfrozen !== 'boolean') return unfrozen;
    done.push('unfrozen');
  } else if (login.IsFrozen)
    note =
      '; their login is still frozen, which this connector did not do: unfreeze it in Setup > Users if they should sign in';
  return {
    status: 'restored',
    detail: done.length
      ? `Salesforce user ${record.Username} ${done.join(' and ')}${note}`
      : `Salesforce user ${record.Username} was already active${note}`,
    ...reference,
  };
}

interface LoginRecord {
  readonly Id: string;
  readonly IsFrozen: boolean;
}

async function userLogin(http: VendorHttp, record: UserRecord): Promise<LoginRecord | Outcome> {
  const found = await select<LoginRecord>(
    http,
    `SELECT Id, IsFrozen FROM UserLogin WHERE UserId = '${soqlString(record.Id)}'`,
    `read the login of ${record.Username}`,
  );
  if (!Array.isArray(found)) return found;
  const [login] = found;
  return (
    login ?? { status: 'failed_permanent', detail: `Salesforce has no UserLogin for ${record.Username}` }
  );
}

/** Sets UserLogin.IsFrozen; answers whether it changed anything, or the failure. */
async function setFrozen(
  http: VendorHttp,
  record: UserRecord,
  frozen: boolean,
  known?: LoginRecord,
): Promise<boolean | Outcome> {
  const login = known ?? (await userLogin(http, record));
  if (!('Id' in login)) return login;
  if (login.IsFrozen === frozen) return false;
  const updated = await http.request({
    method: 'PATCH',
    url: `sobjects/UserLogin/${login.Id}`,
    json: { IsFrozen: frozen },
  });
  if (updated.status !== 204) return failure(updated, `${frozen ? 'freeze' : 'unfreeze'} ${record.Username}`);
  return true;
}

/** Deletes every AuthSession of the user (each delete ends that session); answers how many. */
async function endSessions(http: VendorHttp, record: UserRecord): Promise<number | Outcome> {
  const sessions = await select<{ Id: string }>(
    http,
    `SELECT Id FROM AuthSession WHERE UsersId = '${soqlString(record.Id)}'`,
    `list the sessions of ${record.Username}`,
  );
  if (!Array.isArray(sessions)) return sessions;
  for (const session of sessions) {
    const deleted = await http.request({ method: 'DELETE', url: `sobjects/AuthSession/${session.Id}` });
    // A session that expired meanwhile is already gone.
    if (deleted.status !== 204 && deleted.status !== 404)
      return failure(deleted, `end a session of ${record.Username}`);
  }
  return sessions.length;
}

async function select<T>(http: VendorHttp, soql: string, action: string): Promise<T[] | Outcome> {
  const found = await http.request({ method: 'GET', url: 'query', query: { q: soql } });
  if (found.status !== 200) return failure(found, action);
  return (found.body as QueryResult<T>).records ?? [];
}

function errorCode(body: unknown): string | undefined {
  const first: unknown = Array.isArray(body) ? body[0] : undefined;
  const code = (first as { errorCode?: unknown } | undefined)?.errorCode;
  return typeof code === 'string' ? code : undefined;
}

/** Salesforce answers an exhausted daily API allowance with 403 REQUEST_LIMIT_EXCEEDED: transient, not a permission problem. */
function failure(response: Parameters<typeof failureOutcome>[1], action: string): Outcome {
  const limited = JSON.stringify(response.body ?? '').includes('REQUEST_LIMIT_EXCEEDED');
  return failureOutcome(APPLICATION, limited ? { ...response, status: 429 } : response, action);
}

/** A SOQL string literal's content: backslash and single quote escaped (SOQL reference, "Quoted String Escape Sequences"). */
export function soqlString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
