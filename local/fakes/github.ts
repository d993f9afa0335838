/**
 * A local GitHub for the GitHub connector, following GitHub's published contract (its OpenAPI
 * description checks the REST answers in test/contract/github.test.ts): bearer auth, the API
 * version header, 401/404 bodies, the request id, rate-limit headers on every answer, pending
 * invitations with `Link` pagination, and the GraphQL SAML identity lookup on the organization or
 * on the enterprise, which answers `errors` with HTTP 200 as GraphQL does.
 */
import { randomBytes } from 'node:crypto';
import {
  type FakeReply,
  type FakeRequest,
  type FakeVendor,
  jsonBody,
  matchPath,
  startFakeServer,
} from './fake-server.ts';

export interface GitHubFakeOptions {
  readonly port?: number;
  readonly organization?: string;
  readonly token?: string;
  /** Logins that are members of the organization. */
  readonly members?: readonly string[];
  /** Pending invitations, to a login or to an email address. */
  readonly invitations?: readonly { login?: string; email?: string }[];
  /** SAML NameID → linked GitHub login; without it SAML SSO is configured nowhere. */
  readonly samlIdentities?: Readonly<Record<string, string>>;
  /** Where SAML is configured: on the organization (default) or on its enterprise. */
  readonly samlOn?: 'organization' | { readonly enterprise: string };
  /**
   * What the token's owner is: an organization (and enterprise) owner by default; `outsider` is a
   * valid token of someone else, who sees only what is public.
   */
  readonly tokenOwner?: 'owner' | 'outsider';
  /** Every login is a member until removed (`npm start`, where the directory's users are not known in advance). */
  readonly accountsForEveryone?: boolean;
}

export interface GitHubFake extends FakeVendor {
  readonly organization: string;
  /** Current members: tests read who is left and add members. */
  readonly members: Set<string>;
  /** Pending invitations by id: tests read which are left. */
  readonly invitations: Map<number, { login: string | null; email: string | null }>;
  /** Logins removed through the API, in order. */
  readonly removed: readonly string[];
  connectorConfig(login?: 'samlIdentity' | 'userNameLocalPart' | 'userName' | 'externalId'): {
    settings: Record<string, unknown>;
    secrets: { token: string };
  };
}

const DOCS = 'https://docs.github.com/rest';
const notFound: FakeReply = {
  status: 404,
  body: { message: 'Not Found', documentation_url: DOCS, status: '404' },
};
const SUPPORTED_VERSIONS = ['2022-11-28', '2026-03-10'];
const API = 'https://api.github.com';

/** A `simple-user` as GitHub's REST answers carry it (the inviter of an invitation). */
function simpleUser(login: string, id: number) {
  const url = `${API}/users/${login}`;
  return {
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    site_admin: false,
  };
}

export async function startGitHubFake(options: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const organization = options.organization ?? 'acme';
  const token = options.token ?? `ghp_${randomBytes(12).toString('hex')}`;
  const members = new Set(options.members ?? []);
  const removed: string[] = [];
  const invitations = new Map<number, { login: string | null; email: string | null }>();
  let nextInvitation = 4_200;
  for (const invitation of options.invitations ?? []) {
    invitations.set(nextInvitation++, { login: invitation.login ?? null, email: invitation.email ?? null });
  }
  const owner = (options.tokenOwner ?? 'owner') === 'owner';
  const samlOn = options.samlOn ?? 'organization';
  let remaining = 5_000;

  const fake = await startFakeServer(
    (request) => {
      const authorization = request.headers.authorization ?? '';
      if (authorization !== `Bearer ${token}` && authorization !== `token ${token}`) {
        return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
      }
      const version = request.headers['x-github-api-version'];
      if (typeof version === 'string' && !SUPPORTED_VERSIONS.includes(version)) {
        return {
          status: 400,
          body: { message: `Unsupported 'X-GitHub-Api-Version' header: ${version}`, documentation_url: DOCS },
        };
      }
      const path = request.url.pathname;
      if (request.method === 'POST' && path === '/graphql') return samlLookup(request);
      // https://docs.github.com/en/rest/orgs/members#remove-organization-membership-for-a-user
      // Removes a member, or cancels an invitation sent to that login; 404 to whoever may not see members.
      const membership = matchPath('/orgs/:org/memberships/:username', path);
      if (request.method === 'DELETE' && membership) {
        const login = membership.username ?? '';
        if (membership.org !== organization || !owner) return notFound;
        const invited = [...invitations].find(([, invitation]) => invitation.login === login);
        if (invited) invitations.delete(invited[0]);
        const member =
          members.delete(login) || (options.accountsForEveryone === true && !removed.includes(login));
        if (!member && !invited) return notFound;
        if (member) removed.push(login);
        return { status: 204 };
      }
      // https://docs.github.com/en/rest/orgs/members#list-pending-organization-invitations
      // Default page size 30, at most 100; the next page in the Link header (using-pagination-in-the-rest-api).
      const invitationList = matchPath('/orgs/:org/invitations', path);
      if (request.method === 'GET' && invitationList) {
        if (invitationList.org !== organization || !owner) return notFound;
        return pendingInvitations(request);
      }
      // https://docs.github.com/en/rest/orgs/members#cancel-an-organization-invitation
      const invitation = matchPath('/orgs/:org/invitations/:id', path);
      if (request.method === 'DELETE' && invitation) {
        if (invitation.org !== organization || !owner) return notFound;
        return invitations.delete(Number(invitation.id)) ? { status: 204 } : notFound;
      }
      // https://docs.github.com/en/rest/orgs/orgs#get-an-organization: public, anyone can read it.
      const org = matchPath('/orgs/:org', path);
      if (request.method === 'GET' && org) {
        return org.org === organization ? { status: 200, body: organizationBody() } : notFound;
      }
      return notFound;
    },
    {
      port: options.port,
      errorBody: (status) => ({
        message: status === 429 ? 'API rate limit exceeded' : status >= 500 ? 'Server Error' : 'Error',
        documentation_url: DOCS,
        status: String(status),
      }),
      // https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit
      headers: () => {
        // A fresh hour whenever the budget would run out: only an injected failure says 0.
        remaining = remaining > 1 ? remaining - 1 : 5_000;
        return {
          'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': String(remaining),
          'x-ratelimit-used': String(5_000 - remaining),
          'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3_600),
          'x-ratelimit-resource': 'core',
        };
      },
    },
  );

  function pendingInvitations(request: FakeRequest): FakeReply {
    const perPage = Math.min(100, Math.max(1, Number(request.url.searchParams.get('per_page') ?? 30)));
    const page = Math.max(1, Number(request.url.searchParams.get('page') ?? 1));
    const all = [...invitations];
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const link = (to: number, rel: string) =>
      `<${fake.url}/orgs/${organization}/invitations?per_page=${perPage}&page=${to}>; rel="${rel}"`;
    const links = [
      ...(page * perPage < all.length ? [link(page + 1, 'next')] : []),
      ...(page > 1 ? [link(page - 1, 'prev')] : []),
    ];
    return {
      status: 200,
      headers: links.length > 0 ? { link: links.join(', ') } : {},
      body: slice.map(([id, invitation]) => ({
        id,
        login: invitation.login,
        email: invitation.email,
        role: 'direct_member',
        created_at: '2026-02-01T10:00:00Z',
        failed_at: null,
        failed_reason: null,
        inviter: simpleUser('octo-owner', 1),
        team_count: 0,
        node_id: `MDIyOk9yZ2FuaXphdGlvbkludml0YXRpb24${id}`,
        invitation_teams_url: `${API}/organizations/1/invitations/${id}/teams`,
        invitation_source: 'member',
      })),
    };
  }

  function organizationBody() {
    const url = `${API}/orgs/${organization}`;
    return {
      login: organization,
      id: 1,
      node_id: 'MDEyOk9yZ2FuaXphdGlvbjE=',
      url,
      repos_url: `${url}/repos`,
      events_url: `${url}/events`,
      hooks_url: `${url}/hooks`,
      issues_url: `${url}/issues`,
      members_url: `${url}/members{/member}`,
      public_members_url: `${url}/public_members{/member}`,
      avatar_url: 'https://avatars.githubusercontent.com/u/1?v=4',
      description: null,
      html_url: `https://github.com/${organization}`,
      has_organization_projects: true,
      has_repository_projects: true,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      type: 'Organization',
      created_at: '2020-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      archived_at: null,
    };
  }

  /**
   * https://docs.github.com/en/graphql/reference/objects#organizationidentityprovider and
   * #enterpriseidentityprovider: the provider is visible to owners only (null otherwise, and null
   * on an organization whose enterprise holds SAML); `enterprise.ownerInfo` to enterprise owners.
   * Unknown logins and slugs answer 200 with a NOT_FOUND error, as GraphQL does.
   */
  function samlLookup(request: FakeRequest): FakeReply {
    const { variables } = (jsonBody(request) ?? {}) as {
      variables?: { org?: string; enterprise?: string; nameId?: string };
    };
    const nameId = (variables?.nameId ?? '').toLowerCase();
    const login = Object.entries(options.samlIdentities ?? {}).find(
      ([id]) => id.toLowerCase() === nameId,
    )?.[1];
    const provider = { externalIdentities: { nodes: login ? [{ user: { login } }] : [] } };
    const notResolved = (type: string, value: string | undefined) => ({
      status: 200,
      body: {
        data: { [type === 'Organization' ? 'organization' : 'enterprise']: null },
        errors: [
          {
            type: 'NOT_FOUND',
            path: [type === 'Organization' ? 'organization' : 'enterprise'],
            message: `Could not resolve to ${type === 'Organization' ? 'an Organization with the login' : 'an Enterprise with the URL slug'} of '${value}'.`,
          },
        ],
      },
    });
    const enterpriseSlug = typeof samlOn === 'object' ? samlOn.enterprise : undefined;
    if (variables?.enterprise !== undefined) {
      if (variables.enterprise !== enterpriseSlug) return notResolved('Enterprise', variables.enterprise);
      const ownerInfo = owner ? { samlIdentityProvider: options.samlIdentities ? provider : null } : null;
      return { status: 200, body: { data: { enterprise: { ownerInfo } } } };
    }
    if (variables?.org !== organization) return notResolved('Organization', variables?.org);
    const held = samlOn === 'organization' && options.samlIdentities !== undefined && owner;
    return {
      status: 200,
      body: {
        data: { organization: { viewerCanAdminister: owner, samlIdentityProvider: held ? provider : null } },
      },
    };
  }

  return Object.assign(fake, {
    organization,
    members,
    invitations,
    removed,
    connectorConfig: (
      login: 'samlIdentity' | 'userNameLocalPart' | 'userName' | 'externalId' = 'userNameLocalPart',
    ) => ({
      settings: {
        organization,
        login,
        apiBaseUrl: fake.url,
        ...(typeof samlOn === 'object' ? { enterprise: samlOn.enterprise } : {}),
      },
      secrets: { token },
    }),
  });
}
