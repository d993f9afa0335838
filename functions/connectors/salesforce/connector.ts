/**
 * Salesforce: a leaver's User record is deactivated (IsActive = false: no sign-in, the licence is
 * freed, records they own stay theirs); a returner's is activated again. The User is found with
 * a SOQL query on Username, Email or FederationIdentifier. OAuth 2.0 client credentials flow of
 * an external client app. See docs/connectors/salesforce.md.
 */

import { z } from 'zod';
import { defineConnector, type Outcome, type VendorHttp } from '#connectors/connector.ts';
import { failureOutcome } from '#connectors/outcomes.ts';
import { accountEmail, accountEmailSetting, noAddressDetail } from '#connectors/user-identity.ts';
import { oauthClientCredentials } from '#connectors/vendor-auth.ts';
import type { UserSnapshot } from '#events/envelope.ts';

const settings = z.object({
  /** The org's My Domain URL, e.g. https://acme.my.salesforce.com (token endpoint and REST API both live there). */
  instanceUrl: z.url(),
  apiVersion: z
    .string()
    .regex(/^v\d+\.0$/, 'a REST API version such as v63.0')
    .default('v63.0'),
  /** The User field that holds the value below: Username (unique), Email (may match several users), or FederationIdentifier (the SAML SSO id). */
  matchOn: z.enum(['Username', 'Email', 'FederationIdentifier']).default('Username'),
  /** Which of the directory user's addresses is compared with that field. */
  accountEmail: accountEmailSetting,
});

/** The external client app's consumer key and secret (client credentials flow enabled, with a run-as user). */
const secrets = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) });

type Settings = z.infer<typeof settings>;
const APPLICATION = 'Salesforce';

export default defineConnector({
  id: 'salesforce',
  application: APPLICATION,
  settings,
  secrets,
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
    'user.deactivated': (event, { http, settings }) => setActive(http, settings, event.user, false),
    'user.deleted': (event, { http, settings }) => setActive(http, settings, event.user, false),
    'user.reactivated': (event, { http, settings }) => setActive(http, settings, event.user, true),
  },
});

interface QueryResult {
  readonly totalSize?: number;
  readonly records?: { readonly Id: string; readonly Username: string; readonly IsActive: boolean }[];
}

async function setActive(
  http: VendorHttp,
  settings: Settings,
  user: UserSnapshot,
  active: boolean,
): Promise<Outcome> {
  const value = accountEmail(user, settings.accountEmail);
  if (!value)
    return { status: 'failed_permanent', detail: noAddressDetail(APPLICATION, user, settings.accountEmail) };
  const done = active ? 'restored' : 'revoked';
  const which = `${settings.matchOn} = '${value}'`;

  const query = `SELECT Id, Username, IsActive FROM User WHERE ${settings.matchOn} = '${soqlString(value)}'`;
  const found = await http.request({ method: 'GET', url: 'query', query: { q: query } });
  if (found.status !== 200) return failure(found, `find the user with ${which}`);
  const records = (found.body as QueryResult).records ?? [];
  const [record, ...others] = records;
  if (!record) return { status: 'not_found', detail: `Salesforce has no user with ${which}` };
  if (others.length > 0) {
    return {
      status: 'failed_permanent',
      detail: `Salesforce has ${records.length} users with ${which} (${records.map((match) => match.Username).join(', ')}); match on Username or FederationIdentifier instead`,
    };
  }
  if (record.IsActive === active) {
    return {
      status: done,
      detail: `Salesforce user ${record.Username} was already ${active ? 'active' : 'inactive'}`,
      vendorReference: record.Id,
    };
  }

  const updated = await http.request({
    method: 'PATCH',
    url: `sobjects/User/${record.Id}`,
    json: { IsActive: active },
  });
  if (updated.status === 204) {
    return {
      status: done,
      detail: `Salesforce user ${record.Username} ${active ? 'activated' : 'deactivated'}`,
      vendorReference: record.Id,
    };
  }
  return failure(updated, `${active ? 'activate' : 'deactivate'} ${record.Username}`);
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
