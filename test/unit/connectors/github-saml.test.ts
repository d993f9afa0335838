import { afterEach, describe, expect, it } from 'vitest';
import github from '../../../functions/connectors/github/connector.ts';
import { type GitHubFake, startGitHubFake } from '../../../local/fakes/github.ts';
import { runHandler, userEvent } from '../../support/connector-harness.ts';

let fake: GitHubFake;
afterEach(() => fake?.close());

const leaver = () => userEvent('user.deactivated');
const SAML = { 'Ada.Lovelace@example.com': 'adal-gh' };

describe('GitHub connector: the login from the SAML identity', () => {
  it('finds the login linked to the userName and removes that member', async () => {
    fake = await startGitHubFake({ members: ['adal-gh', 'ada.lovelace'], samlIdentities: SAML });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: 'Removed adal-gh from the acme organization',
      closes: ['login', 'sessions', 'apiTokens', 'seat'],
    });
    expect([...fake.members]).toEqual(['ada.lovelace']);
  });

  it('says not_found when no GitHub account is linked to the user and nothing is pending', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'], samlIdentities: {} });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
    expect(outcome.status).toBe('not_found');
    expect(fake.members.has('ada.lovelace')).toBe(true);
  });

  it('still cancels an invitation to the address of a user without a linked identity', async () => {
    fake = await startGitHubFake({
      samlIdentities: {},
      invitations: [{ email: 'ada.lovelace@example.com' }],
    });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
    expect(outcome.status).toBe('revoked');
    expect(fake.invitations.size).toBe(0);
  });

  it('looks the identity up on the enterprise when the enterprise holds SAML', async () => {
    fake = await startGitHubFake({
      members: ['adal-gh'],
      samlIdentities: SAML,
      samlOn: { enterprise: 'acme-corp' },
    });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: 'Removed adal-gh from the acme organization',
    });
    const lookup = JSON.parse(fake.requests[0]?.body ?? '{}') as { variables?: unknown };
    expect(lookup.variables).toEqual({ enterprise: 'acme-corp', nameId: 'ada.lovelace@example.com' });
  });

  it('says that the organization has no SAML of its own and points to the enterprise setting', async () => {
    fake = await startGitHubFake({
      members: ['adal-gh'],
      samlIdentities: SAML,
      samlOn: { enterprise: 'acme-corp' },
    });
    const config = fake.connectorConfig('samlIdentity');
    const { enterprise: _enterprise, ...withoutEnterprise } = config.settings;
    const outcome = await runHandler(github, leaver(), { ...config, settings: withoutEnterprise });
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toContain('has no SAML single sign-on of its own');
    expect(outcome.detail).toContain('"enterprise"');
  });

  it('tells a token that cannot see the identity provider apart from an organization without SAML', async () => {
    fake = await startGitHubFake({ members: ['adal-gh'], samlIdentities: SAML, tokenOwner: 'outsider' });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toContain("the token cannot see the acme organization's SAML identity provider");
  });

  it("says when the token is no enterprise owner's", async () => {
    fake = await startGitHubFake({
      samlIdentities: SAML,
      samlOn: { enterprise: 'acme-corp' },
      tokenOwner: 'outsider',
    });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toContain("must be an enterprise owner's");
  });

  it('fails permanently when SAML is configured nowhere', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'] });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toContain('has no SAML single sign-on');
  });

  describe('GraphQL rate limits are retried later, never dead-lettered', () => {
    it('a primary limit: HTTP 200 with a RATE_LIMITED error, waiting for the reset', async () => {
      fake = await startGitHubFake({ members: ['adal-gh'], samlIdentities: SAML });
      const reset = Math.ceil(Date.now() / 1000) + 120;
      fake.failNext(1, {
        status: 200,
        path: '/graphql',
        body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }] },
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(reset),
          'x-ratelimit-resource': 'graphql',
        },
      });
      const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
      expect(outcome.status).toBe('failed_retryable');
      expect(outcome.retryAfterSeconds).toBeGreaterThanOrEqual(115);
      expect(outcome.retryAfterSeconds).toBeLessThanOrEqual(122);
      expect(fake.members.has('adal-gh')).toBe(true);
    });

    it('a secondary limit answered with HTTP 200 and only a message: at least a minute', async () => {
      fake = await startGitHubFake({ members: ['adal-gh'], samlIdentities: SAML });
      fake.failNext(1, {
        status: 200,
        path: '/graphql',
        body: {
          errors: [
            {
              message:
                'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            },
          ],
        },
      });
      const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
      expect(outcome).toMatchObject({ status: 'failed_retryable', retryAfterSeconds: 60 });
    });

    it('a secondary limit answered with HTTP 403 and Retry-After', async () => {
      fake = await startGitHubFake({ members: ['adal-gh'], samlIdentities: SAML });
      fake.failNext(1, {
        status: 403,
        path: '/graphql',
        retryAfter: 90,
        body: { message: 'You have exceeded a secondary rate limit.' },
      });
      const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
      expect(outcome).toMatchObject({ status: 'failed_retryable', retryAfterSeconds: 90 });
    });
  });
});
