/**
 * Which GitHub login belongs to a directory user. With SAML single sign-on the link is exact: the
 * SAML identity whose NameID is the user's userName (then primary email) names the login. GitHub
 * keeps that identity where SAML is configured: on the organization
 * (`organization.samlIdentityProvider`) or, with enterprise-level SAML, on the enterprise
 * (`enterprise.ownerInfo.samlIdentityProvider`), where the organization's provider is null.
 * https://docs.github.com/en/graphql/reference/objects#organizationidentityprovider
 * https://docs.github.com/en/graphql/reference/objects#enterpriseidentityprovider
 */
import type { Outcome, VendorHttp } from '#connectors/connector.ts';
import { failureOutcome } from '#connectors/outcomes.ts';
import type { UserSnapshot } from '#events/envelope.ts';
import { graphqlErrors, rateLimitOutcome } from './rate-limits.ts';

export const APPLICATION = 'GitHub';

export interface LoginSettings {
  readonly organization: string;
  readonly enterprise?: string | undefined;
  readonly login: 'samlIdentity' | 'userNameLocalPart' | 'userName' | 'externalId';
  readonly apiBaseUrl: string;
}

/** The SAML identity lookup where the organization holds SAML; `viewerCanAdminister` tells "no SAML" from "cannot see it". */
export const ORGANIZATION_SAML_QUERY = `query($org: String!, $nameId: String!) {
  organization(login: $org) {
    viewerCanAdminister
    samlIdentityProvider {
      externalIdentities(userName: $nameId, first: 1) { nodes { user { login } } }
    }
  }
}`;

/** The same where the enterprise holds SAML: only enterprise owners see `ownerInfo`. */
export const ENTERPRISE_SAML_QUERY = `query($enterprise: String!, $nameId: String!) {
  enterprise(slug: $enterprise) {
    ownerInfo {
      samlIdentityProvider {
        externalIdentities(userName: $nameId, first: 1) { nodes { user { login } } }
      }
    }
  }
}`;

interface IdentityProvider {
  readonly externalIdentities?: { nodes?: { user?: { login?: string } | null }[] };
}

interface SamlAnswer {
  readonly data?: {
    readonly organization?: {
      readonly viewerCanAdminister?: boolean;
      readonly samlIdentityProvider?: IdentityProvider | null;
    } | null;
    readonly enterprise?: {
      readonly ownerInfo?: { samlIdentityProvider?: IdentityProvider | null } | null;
    } | null;
  } | null;
}

/**
 * The user's GitHub login, or the outcome that ends the handler when there is none.
 *
 * @example
 * const login = await githubLogin(http, settings, event.user);
 * if (typeof login !== 'string') return login;
 */
export async function githubLogin(
  http: VendorHttp,
  settings: LoginSettings,
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

async function samlLogin(
  http: VendorHttp,
  settings: LoginSettings,
  user: UserSnapshot,
): Promise<string | Outcome> {
  const primary = user.emails?.find((email) => email.primary)?.value;
  const nameIds = [...new Set([user.userName, ...(primary ? [primary] : [])])];
  // GraphQL lives beside the REST API: /graphql on github.com, /api/graphql on Enterprise Server.
  const graphqlUrl = `${settings.apiBaseUrl.replace(/\/api\/v3\/?$/, '/api').replace(/\/+$/, '')}/graphql`;
  const where = settings.enterprise
    ? `the ${settings.enterprise} enterprise`
    : `the ${settings.organization} organization`;
  for (const nameId of nameIds) {
    const action = `look up the SAML identity ${nameId} in ${where}`;
    const response = await http.request({
      method: 'POST',
      url: graphqlUrl,
      json: settings.enterprise
        ? { query: ENTERPRISE_SAML_QUERY, variables: { enterprise: settings.enterprise, nameId } }
        : { query: ORGANIZATION_SAML_QUERY, variables: { org: settings.organization, nameId } },
    });
    // A GraphQL rate limit answers 200 with `errors` (primary) or 200/403 (secondary): retry later.
    const limited = rateLimitOutcome(response, action);
    if (limited) return limited;
    if (response.status !== 200) return failureOutcome(APPLICATION, response, action);
    const errors = graphqlErrors(response.body);
    if (errors.length > 0) {
      return {
        status: 'failed_permanent',
        detail: `GitHub could not ${action}: ${errors.map((error) => error.message).join('; ')}`,
      };
    }
    const provider = identityProvider(response.body as SamlAnswer, settings);
    if (typeof provider === 'string') return { status: 'failed_permanent', detail: provider };
    const login = provider.externalIdentities?.nodes?.[0]?.user?.login;
    if (login) return login;
  }
  return {
    status: 'not_found',
    detail: `No GitHub account is linked to a SAML identity ${nameIds.join(' or ')} in ${where}`,
  };
}

/** The identity provider from the answer, or why there is none, each cause in its own words. */
function identityProvider(answer: SamlAnswer, settings: LoginSettings): IdentityProvider | string {
  if (settings.enterprise) {
    const enterprise = answer.data?.enterprise;
    if (!enterprise)
      return `GitHub: the ${settings.enterprise} enterprise does not exist or the token cannot see it`;
    if (!enterprise.ownerInfo) {
      return `GitHub: the token cannot read the ${settings.enterprise} enterprise's SAML identities; it must be an enterprise owner's, with the read:enterprise scope`;
    }
    return (
      enterprise.ownerInfo.samlIdentityProvider ??
      `GitHub: the ${settings.enterprise} enterprise has no SAML single sign-on; set the connector's "login" to another source`
    );
  }
  const organization = answer.data?.organization;
  if (!organization)
    return `GitHub: the ${settings.organization} organization does not exist or the token cannot see it`;
  if (organization.samlIdentityProvider) return organization.samlIdentityProvider;
  // GitHub shows the provider to organization owners only: null means "not yours to see" or "none here".
  if (!organization.viewerCanAdminister) {
    return `GitHub: the token cannot see the ${settings.organization} organization's SAML identity provider; it must be an organization owner's, with the admin:org scope`;
  }
  return `GitHub: the ${settings.organization} organization has no SAML single sign-on of its own; if its enterprise holds SAML, set the connector's "enterprise", otherwise set "login" to another source`;
}
