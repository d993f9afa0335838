/**
 * A local GitHub for the GitHub connector: the REST calls it makes (remove organization
 * membership, get an organization) and the GraphQL SAML identity lookup, with GitHub's bearer
 * auth, its 401/404 bodies, its API version header and its request id.
 * Docs: https://docs.github.com/en/rest/orgs/members#remove-organization-membership-for-a-user
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
  /** SAML NameID → linked GitHub login; without it the organization has no SAML SSO. */
  readonly samlIdentities?: Readonly<Record<string, string>>;
  /** Every login is a member until removed (`npm start`, where the directory's users are not known in advance). */
  readonly accountsForEveryone?: boolean;
}

export interface GitHubFake extends FakeVendor {
  readonly organization: string;
  /** Current members: tests read who is left and add members. */
  readonly members: Set<string>;
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

export async function startGitHubFake(options: GitHubFakeOptions = {}): Promise<GitHubFake> {
  const organization = options.organization ?? 'acme';
  const token = options.token ?? `ghp_${randomBytes(12).toString('hex')}`;
  const members = new Set(options.members ?? []);
  const removed: string[] = [];

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
      const membership = matchPath('/orgs/:org/memberships/:username', path);
      if (request.method === 'DELETE' && membership) {
        const login = membership.username ?? '';
        const member =
          members.delete(login) || (options.accountsForEveryone === true && !removed.includes(login));
        if (membership.org !== organization || !member) return notFound;
        removed.push(login);
        return { status: 204 };
      }
      const org = matchPath('/orgs/:org', path);
      if (request.method === 'GET' && org) {
        return org.org === organization
          ? { status: 200, body: { login: organization, id: 1, type: 'Organization' } }
          : notFound;
      }
      if (request.method === 'POST' && path === '/graphql') return samlLookup(request);
      return notFound;
    },
    {
      port: options.port,
      errorBody: (status) => ({
        message: status === 429 ? 'API rate limit exceeded' : status >= 500 ? 'Server Error' : 'Error',
        documentation_url: DOCS,
        status: String(status),
      }),
      headers: () => ({ 'x-github-request-id': randomBytes(8).toString('hex').toUpperCase() }),
    },
  );

  function samlLookup(request: FakeRequest): FakeReply {
    const { variables } = (jsonBody(request) ?? {}) as { variables?: { org?: string; nameId?: string } };
    if (variables?.org !== organization) {
      return {
        status: 200,
        body: {
          data: { organization: null },
          errors: [
            {
              type: 'NOT_FOUND',
              message: `Could not resolve to an Organization with the login of '${variables?.org}'.`,
            },
          ],
        },
      };
    }
    if (!options.samlIdentities)
      return { status: 200, body: { data: { organization: { samlIdentityProvider: null } } } };
    const nameId = (variables.nameId ?? '').toLowerCase();
    const login = Object.entries(options.samlIdentities).find(([id]) => id.toLowerCase() === nameId)?.[1];
    const nodes = login ? [{ user: { login } }] : [];
    return {
      status: 200,
      body: { data: { organization: { samlIdentityProvider: { externalIdentities: { nodes } } } } },
    };
  }

  return Object.assign(fake, {
    organization,
    members,
    removed,
    connectorConfig: (
      login: 'samlIdentity' | 'userNameLocalPart' | 'userName' | 'externalId' = 'userNameLocalPart',
    ) => ({
      settings: { organization, login, apiBaseUrl: fake.url },
      secrets: { token },
    }),
  });
}
