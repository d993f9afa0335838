/**
 * GitHub: a leaver loses their organization membership (REST "Remove organization membership
 * for a user"), which also removes them from every team and cancels a pending invitation.
 * GitHub cannot give a removed membership back (only a new invitation, without the teams), so a
 * returner becomes a manual task. See docs/connectors/github.md.
 */

import { z } from 'zod';
import { defineConnector, type Outcome, type VendorHttp } from '#connectors/connector.ts';
import { failureOutcome } from '#connectors/outcomes.ts';
import { bearerToken } from '#connectors/vendor-auth.ts';
import type { UserSnapshot } from '#events/envelope.ts';

const settings = z.object({
  /** The organization's login, as in https://github.com/{organization}. */
  organization: z.string().min(1),
  /**
   * How the GitHub login is found from the directory user:
   * - `samlIdentity`: the organization's SAML identity whose NameID is the user's userName
   *   (then primary email), through GraphQL. Exact; needs SAML SSO on the organization.
   * - `userNameLocalPart`: userName before the "@" (ada.lovelace@example.com → ada.lovelace).
   * - `userName` / `externalId`: the attribute as is, when the IdP sends the GitHub login there.
   */
  login: z.enum(['samlIdentity', 'userNameLocalPart', 'userName', 'externalId']),
  /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiBaseUrl: z.url().default('https://api.github.com'),
  apiVersion: z.string().default('2022-11-28'),
});

const secrets = z.object({
  /** A classic token with admin:org, or a fine-grained token with "Members: read and write" on the organization. */
  token: z.string().min(1),
});

type Settings = z.infer<typeof settings>;
const APPLICATION = 'GitHub';

export default defineConnector({
  id: 'github',
  application: APPLICATION,
  settings,
  secrets,
  http: ({ settings, secrets }) => ({
    baseUrl: settings.apiBaseUrl,
    headers: { accept: 'application/vnd.github+json', 'x-github-api-version': settings.apiVersion },
    auth: bearerToken(secrets.token),
    requestIdHeaders: ['x-github-request-id'],
  }),
  handlers: {
    'user.deactivated': (event, { http, settings }) => removeMembership(http, settings, event.user),
    'user.deleted': (event, { http, settings }) => removeMembership(http, settings, event.user),
    'user.reactivated': async (event, { http, settings }) => {
      const login = await githubLogin(http, settings, event.user);
      const who =
        typeof login === 'string' ? `GitHub user ${login}` : `the GitHub account of ${event.user.userName}`;
      return {
        status: 'manual_pending',
        detail: 'GitHub cannot restore a removed organization membership',
        instructions: `Invite ${who} to the ${settings.organization} organization again and restore their teams (GitHub sends an invitation they must accept).`,
      };
    },
  },
});

async function removeMembership(http: VendorHttp, settings: Settings, user: UserSnapshot): Promise<Outcome> {
  const login = await githubLogin(http, settings, user);
  if (typeof login !== 'string') return login;
  const org = settings.organization;
  const action = `remove ${login} from the ${org} organization`;
  const response = await http.request({
    method: 'DELETE',
    url: `orgs/${encodeURIComponent(org)}/memberships/${encodeURIComponent(login)}`,
  });
  const reference = response.requestId ? { vendorReference: response.requestId } : {};
  if (response.status === 204) {
    return { status: 'revoked', detail: `Removed ${login} from the ${org} organization`, ...reference };
  }
  if (response.status === 404) {
    // GitHub also answers 404 for an organization the token cannot see: never let that pass as "no account".
    const organization = await http.request({ method: 'GET', url: `orgs/${encodeURIComponent(org)}` });
    if (organization.status === 200) {
      return {
        status: 'not_found',
        detail: `${login} is not a member of the ${org} organization`,
        ...reference,
      };
    }
    if (organization.status === 404) {
      return {
        status: 'failed_permanent',
        detail: `GitHub: the ${org} organization does not exist or the token cannot see it (404)`,
        ...reference,
      };
    }
    return failureOutcome(APPLICATION, organization, `read the ${org} organization`);
  }
  if (isRateLimited(response)) return failureOutcome(APPLICATION, { ...response, status: 429 }, action);
  return failureOutcome(APPLICATION, response, action);
}

/** GitHub's secondary rate limits answer 403 with Retry-After or an exhausted x-ratelimit-remaining. */
function isRateLimited(response: { status: number; headers: Headers }): boolean {
  return (
    response.status === 403 &&
    (response.headers.has('retry-after') || response.headers.get('x-ratelimit-remaining') === '0')
  );
}

/** The user's GitHub login, or the outcome that ends the handler when there is none. */
async function githubLogin(
  http: VendorHttp,
  settings: Settings,
  user: UserSnapshot,
): Promise<string | Outcome> {
  switch (settings.login) {
    case 'userName':
      return user.userName;
    case 'userNameLocalPart':
      return user.userName.split('@')[0] ?? user.userName;
    case 'externalId':
      return (
        user.externalId ?? {
          status: 'failed_permanent',
          detail: 'GitHub: the user has no externalId, and the connector takes the GitHub login from it',
        }
      );
    case 'samlIdentity':
      return samlLogin(http, settings, user);
  }
}

const SAML_IDENTITY_QUERY = `query($org: String!, $nameId: String!) {
  organization(login: $org) {
    samlIdentityProvider {
      externalIdentities(userName: $nameId, first: 1) { nodes { user { login } } }
    }
  }
}`;

interface SamlAnswer {
  data?: {
    organization?: {
      samlIdentityProvider?: {
        externalIdentities?: { nodes?: { user?: { login?: string } | null }[] };
      } | null;
    } | null;
  };
  errors?: { message?: string }[];
}

async function samlLogin(
  http: VendorHttp,
  settings: Settings,
  user: UserSnapshot,
): Promise<string | Outcome> {
  const primary = user.emails?.find((email) => email.primary)?.value;
  const nameIds = [...new Set([user.userName, ...(primary ? [primary] : [])])];
  // GraphQL lives beside the REST API: /graphql on github.com, /api/graphql on Enterprise Server.
  const graphqlUrl = `${settings.apiBaseUrl.replace(/\/api\/v3\/?$/, '/api').replace(/\/+$/, '')}/graphql`;
  for (const nameId of nameIds) {
    const response = await http.request({
      method: 'POST',
      url: graphqlUrl,
      json: { query: SAML_IDENTITY_QUERY, variables: { org: settings.organization, nameId } },
    });
    if (response.status !== 200)
      return failureOutcome(APPLICATION, response, `look up the SAML identity ${nameId}`);
    const answer = response.body as SamlAnswer;
    const organization = answer.data?.organization;
    if (answer.errors?.length || !organization) {
      const said = answer.errors?.map((error) => error.message).join('; ') ?? 'organization not found';
      return {
        status: 'failed_permanent',
        detail: `GitHub could not look up SAML identities in ${settings.organization}: ${said}`,
      };
    }
    if (!organization.samlIdentityProvider) {
      return {
        status: 'failed_permanent',
        detail: `GitHub: the ${settings.organization} organization has no SAML single sign-on; set the connector's "login" to another source`,
      };
    }
    const login = organization.samlIdentityProvider.externalIdentities?.nodes?.[0]?.user?.login;
    if (login) return login;
  }
  return {
    status: 'not_found',
    detail: `No GitHub account is linked to a SAML identity ${nameIds.join(' or ')} in ${settings.organization}`,
  };
}
