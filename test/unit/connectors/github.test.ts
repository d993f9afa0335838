import { afterEach, describe, expect, it } from 'vitest';
import github from '../../../functions/connectors/github/connector.ts';
import { type GitHubFake, startGitHubFake } from '../../../local/fakes/github.ts';
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
      closes: ['login', 'sessions', 'apiTokens', 'seat'],
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
    expect(outcome.detail).toBe(
      'ada.lovelace is not a member of the acme organization and has no pending invitation',
    );
    expect(outcome.closes).toBeUndefined();
  });

  it('never reads a wrong organization name as "no account": it fails permanently', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'] });
    const config = fake.connectorConfig();
    const outcome = await runHandler(github, leaver(), {
      ...config,
      settings: { ...config.settings, organization: 'acme-typo' },
    });
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toContain('does not exist, or the token cannot see its members');
  });

  it('never reads a token that cannot see members as "no account", though anyone can read the organization', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'], tokenOwner: 'outsider' });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome.status).toBe('failed_permanent');
    expect(outcome.detail).toContain('the token cannot see its members');
    expect(fake.members.has('ada.lovelace')).toBe(true);
  });

  it("cancels a pending invitation sent to one of the leaver's email addresses, which could still be accepted", async () => {
    fake = await startGitHubFake({
      members: ['grace'],
      invitations: [{ email: 'grace.h@example.com' }, { email: 'Ada.Lovelace@example.com' }],
    });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: 'ada.lovelace@example.com: cancelled 1 pending invitation(s) to the acme organization',
      closes: ['login', 'sessions', 'apiTokens', 'seat'],
    });
    expect([...fake.invitations.values()].map((invitation) => invitation.email)).toEqual([
      'grace.h@example.com',
    ]);
  });

  it('removes the member and cancels their invitation found on a later page of the listing', async () => {
    fake = await startGitHubFake({
      members: ['ada.lovelace'],
      invitations: [
        ...Array.from({ length: 120 }, (_, index) => ({ email: `someone${index}@example.com` })),
        { email: 'ada.lovelace@example.com' },
      ],
    });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome.detail).toBe(
      'Removed ada.lovelace from the acme organization; cancelled 1 pending invitation(s) to the acme organization',
    );
    expect(fake.invitations.size).toBe(120);
    expect(fake.members.size).toBe(0);
  });

  it("cancels an invitation sent to the leaver's login when removing the membership", async () => {
    fake = await startGitHubFake({ members: [], invitations: [{ login: 'ada.lovelace' }] });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.invitations.size).toBe(0);
  });

  it('waits out a 429 with Retry-After and then removes the member', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'] });
    fake.failNext(1, { status: 429, retryAfter: 0 });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.requests.map((request) => request.method)).toEqual(['DELETE', 'DELETE', 'GET']);
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
    expect(fake.requests).toHaveLength(4);
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
    expect(outcome).toMatchObject({ status: 'failed_retryable', retryAfterSeconds: 60 });
    expect(fake.requests).toHaveLength(1);
  });

  it('retries, after at least a minute, a 403 secondary rate limit that carries only its message', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'] });
    fake.failNext(1, {
      status: 403,
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      },
    });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome.status).toBe('failed_retryable');
    expect(outcome.retryAfterSeconds).toBeGreaterThanOrEqual(60);
    expect(outcome.detail).toContain('rate-limited');
    expect(fake.members.has('ada.lovelace')).toBe(true);
  });

  it('waits for the reset of an exhausted primary rate limit answered with 403', async () => {
    fake = await startGitHubFake({ members: ['ada.lovelace'] });
    const reset = Math.ceil(Date.now() / 1000) + 600;
    fake.failNext(1, {
      status: 403,
      body: { message: 'API rate limit exceeded for user ID 1.' },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
    });
    const outcome = await runHandler(github, leaver(), fake.connectorConfig());
    expect(outcome.status).toBe('failed_retryable');
    expect(outcome.retryAfterSeconds).toBeGreaterThanOrEqual(595);
    expect(outcome.retryAfterSeconds).toBeLessThanOrEqual(602);
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
