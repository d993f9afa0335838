/**
 * The GitHub connector and its fake against GitHub's own published descriptions: the REST calls
 * against the OpenAPI description of GitHub Enterprise Cloud (`@octokit/openapi`, ghec.json: it
 * holds the SAML and invitation operations github.com organizations use), the GraphQL lookups
 * against the public schema (`@octokit/graphql-schema`). A connector and a fake written from the
 * same misreading fail here, since neither wrote these files.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import github from '../../functions/connectors/github/connector.ts';
import { type GitHubFake, type GitHubFakeOptions, startGitHubFake } from '../../local/fakes/github.ts';
import { runHandler, userEvent } from '../support/connector-harness.ts';
import { exchangesOf } from './support/exchanges.ts';
import { type GraphqlContract, loadGraphqlContract } from './support/graphql-contract.ts';
import { loadOpenApiContract, type OpenApiContract } from './support/openapi-contract.ts';

let rest: OpenApiContract;
let graphql: GraphqlContract;
beforeAll(async () => {
  [rest, graphql] = await Promise.all([
    loadOpenApiContract('node_modules/@octokit/openapi/generated/ghec.json'),
    loadGraphqlContract('node_modules/@octokit/graphql-schema/schema.graphql'),
  ]);
}, 60_000);

let fake: GitHubFake | undefined;
afterEach(() => fake?.close());

const SAML = { 'ada.lovelace@example.com': 'adal-gh' };

/** Runs a leaver through the connector against a fake set up with `options`, returning the fake. */
async function leaverAgainst(
  options: GitHubFakeOptions,
  login: 'samlIdentity' | 'userNameLocalPart' = 'userNameLocalPart',
  prepare?: (fake: GitHubFake) => void,
): Promise<GitHubFake> {
  fake = await startGitHubFake(options);
  prepare?.(fake);
  await runHandler(github, userEvent('user.deactivated'), fake.connectorConfig(login));
  return fake;
}

function graphqlProblems(vendor: GitHubFake): string[] {
  return vendor.requests.flatMap((request, index) => {
    if (request.url.pathname !== '/graphql') return [];
    const sent = JSON.parse(request.body) as { query: string; variables?: Record<string, unknown> };
    return graphql.check(sent, vendor.replies[index]?.body as { data?: unknown });
  });
}

describe("GitHub connector and fake, against GitHub's published API descriptions", () => {
  const scenarios: [string, GitHubFakeOptions, 'samlIdentity' | 'userNameLocalPart'][] = [
    [
      'a member with invitations over two pages',
      {
        members: ['ada.lovelace'],
        invitations: [
          ...Array.from({ length: 101 }, (_, index) => ({ email: `someone${index}@example.com` })),
          { email: 'ada.lovelace@example.com' },
          { login: 'grace' },
        ],
      },
      'userNameLocalPart',
    ],
    ['no member, nothing pending', { members: ['grace'] }, 'userNameLocalPart'],
    [
      'a token that cannot see members',
      { members: ['ada.lovelace'], tokenOwner: 'outsider' },
      'userNameLocalPart',
    ],
    ['organization SAML', { members: ['adal-gh'], samlIdentities: SAML }, 'samlIdentity'],
    [
      'enterprise SAML',
      { members: ['adal-gh'], samlIdentities: SAML, samlOn: { enterprise: 'acme-corp' } },
      'samlIdentity',
    ],
    [
      'enterprise SAML, not an enterprise owner',
      { samlIdentities: SAML, samlOn: { enterprise: 'acme-corp' }, tokenOwner: 'outsider' },
      'samlIdentity',
    ],
    ['organization SAML, not an owner', { samlIdentities: SAML, tokenOwner: 'outsider' }, 'samlIdentity'],
  ];

  it.each(scenarios)(
    'every REST call and answer is in the OpenAPI description: %s',
    async (_name, options, login) => {
      const vendor = await leaverAgainst(options, login);
      const exchanges = exchangesOf(vendor, { except: (path) => path === '/graphql' });
      expect(
        exchanges.length + vendor.requests.filter((r) => r.url.pathname === '/graphql').length,
      ).toBeGreaterThan(0);
      expect(rest.check(exchanges)).toEqual([]);
    },
  );

  it.each(scenarios.filter(([, , login]) => login === 'samlIdentity'))(
    "every GraphQL query, its variables and the answer fit GitHub's schema: %s",
    async (_name, options, login) => {
      const vendor = await leaverAgainst(options, login);
      expect(vendor.requests.some((request) => request.url.pathname === '/graphql')).toBe(true);
      expect(graphqlProblems(vendor)).toEqual([]);
    },
  );

  it('a secondary rate limit answer has the documented 403 body', async () => {
    const vendor = await leaverAgainst({ members: ['ada.lovelace'] }, 'userNameLocalPart', (started) =>
      started.failNext(1, {
        status: 403,
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        },
      }),
    );
    expect(rest.check(exchangesOf(vendor))).toEqual([]);
  });

  it('catches a call that is not in the description, and an answer that breaks its schema', () => {
    const problems = rest.check([
      {
        request: {
          method: 'GET',
          path: '/orgs/acme/invitations',
          query: { per_page: 100 as unknown as string },
        },
        reply: { status: 200, body: [{ id: 'x' }] },
      },
      {
        request: { method: 'DELETE', path: '/orgs/acme/members-of-the-board/ada', query: {} },
        reply: { status: 204 },
      },
      {
        request: { method: 'DELETE', path: '/orgs/acme/memberships/ada', query: { force: 'true' } },
        reply: { status: 204 },
      },
    ]);
    expect(problems).toEqual([
      expect.stringContaining('GET /orgs/acme/invitations (GET /orgs/{org}/invitations): 200 body/0'),
      'DELETE /orgs/acme/members-of-the-board/ada: no such operation in the description',
      'DELETE /orgs/acme/memberships/ada (DELETE /orgs/{org}/memberships/{username}): undocumented query parameter force',
    ]);
    expect(graphql.check({ query: '{ organization(login: "acme") { samlIdentity { id } } }' })).toEqual([
      expect.stringContaining('Cannot query field "samlIdentity" on type "Organization"'),
    ]);
    const lookup = {
      query: 'query($org: String!) { organization(login: $org) { viewerCanAdminister } }',
      variables: { org: 'acme' },
    };
    expect(graphql.check(lookup, { data: { organization: { viewerCanAdminister: null } } })).toEqual([
      expect.stringContaining(
        'answer at organization.viewerCanAdminister: Cannot return null for non-nullable field',
      ),
    ]);
    expect(graphql.check({ ...lookup, variables: { org: 42 } })).toEqual([
      expect.stringContaining('variables: Variable "$org" got invalid value 42'),
    ]);
  });
});
