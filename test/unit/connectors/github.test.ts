import { afterEach, describe, expect, it } from 'vitest';
import github from '../../../functions/connectors/github/connector.ts';
import { type GitHubFake, startGitHubFake } from '../../fakes/github.ts';
import { runHandler, userEvent } from '../../support/connector-harness.ts';

let fake: GitHubFake;
afterEach(() => fake?.close());

const leaver = (user = {}) => userEvent('user.deactivated', user);

describe('GitHub connector, against a local GitHub', () => {
  it('removes the leaver from the organization and keeps GitHub request id as evidence', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace', 'grace'] });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: 'Removed ada.lovelace from the acme organization',
    });
    expect(outcome.vendorReference).toMatch(/^[0-9A-F]{16}$/);
    expect([...fake.members]).toEqual(['grace']);
    const [call] = fake.requests;
    expect(call?.method).toBe('DELETE');
    expect(call?.url.pathname).toBe('/orgs/acme/memberships/ada.lovelace');
    expect(call?.headers['x-github-api-version']).toBe('2022-11-28');
    expect(call?.headers.accept).toBe('application/vnd.github+json');
  });

  it('says not_found for a user who is not a member (a deletion after the deactivation)', async () => {
    fake = await startGitHubFake({ members: ['grace'] });
    const outcome = await runHandler(github, userEvent('user.deleted'), fake.connectorConfig());
    expect(outcome.status).toBe('not_found');
    expect(outcome.detail).toBe('ada.lovelace is not a member of the acme organization');
  });

  it('never reads a wrong organization name as "no account": it fails permanently', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'] });
    const config = fake.connectorConfig();
    const outcome = await runHandler(github, leaver(), {
      ...config,
      settings: { ...config.settings, organization: 'acme-typo' },
    });
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toContain('does not exist or the token cannot see it');
  });

  it('waits out a 429 with Retry-After and then removes the member', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'] });
    fake.failNext(1, { status: 429, retryAfter: 0 });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.requests.map((request) => request.method)).toEqual(['DELETE', 'DELETE']);
    expect(outcome.logged).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'Vendor call retried',
        fields: expect.objectContaining({ status: 429 }),
      }),
    ]);
  });

  it('retries 5xx answers until GitHub recovers', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'] });
    fake.failNext(2, { status: 502 });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.requests).toHaveLength(3);
  });

  it('reports a retryable failure when GitHub stays down through every retry', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'] });
    fake.down(60_000);
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome.status).toBe('failed_retryable');
    expect(outcome.detail).toContain('GitHub answered 503');
    expect(fake.members.has('ada.lovelace')).toBe(true);
  });

  it('treats a 403 secondary rate limit as retryable, not as a permission problem', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'] });
    fake.failNext(10, {
      status: 403,
      retryAfter: 60,
      body: { message: 'You have exceeded a secondary rate limit' },
    });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome.status).toBe('failed_retryable');
    expect(fake.requests).toHaveLength(1);
  });

  it('fails permanently, without retrying, when the token is refused', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'] });
    const config = fake.connectorConfig();
    const outcome = await runHandler(github, leaver(), { ...config, secrets: { token: 'ghp_revoked' } });
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toBe(
      "GitHub refused the credentials (401) to remove ada.lovelace from the acme organization: Bad credentials. Check the connector's secret.",
    );
    expect(fake.requests).toHaveLength(1);
    expect(fake.members.has('ada.lovelace')).toBe(true);
  });

  describe('login from the SAML identity', () => {
    it('finds the login linked to the userName and removes that member', async () => {
      fake = await startGitHubFake({
        members: ['adal-gh', 'ada.lovelace'],
        samlIdentities: { 'Ada.Lovelace@example.com': 'adal-gh' },
      });
      const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
      expect(outcome).toMatchObject({
        status: 'revoked',
        detail: 'Removed adal-gh from the acme organization',
      });
      expect([...fake.members]).toEqual(['ada.lovelace']);
    });

    it('says not_found when no GitHub account is linked to the user', async () => {
      fake = await startGitHubFake({ members: ['ada.lovelace'], samlIdentities: {} });
      const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
      expect(outcome.status).toBe('not_found');
      expect(fake.members.has('ada.lovelace')).toBe(true);
    });

    it('fails permanently on an organization without SAML single sign-on', async () => {
      fake = await startGitHubFake({ members: ['ada.lovelace'] });
      const outcome = await runHandler(github, leaver(), fake.connectorConfig('samlIdentity'));
      expect(outcome.status).toBe('failed_permanent');
      expect(outcome.detail).toContain('has no SAML single sign-on');
    });
  });

  it('turns a returner into a manual re-invitation', async () => {
    fake = await startGitHubFake({ members: [] });
    const outcome = await runHandler(github, userEvent('user.reactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('manual_pending');
    expect(outcome.instructions).toBe(
      'Invite GitHub user ada.lovelace to the acme organization again and restore their teams (GitHub sends an invitation they must accept).',
    );
    expect(fake.requests).toHaveLength(0);
  });
});
