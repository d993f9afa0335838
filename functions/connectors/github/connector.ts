/**
 * GitHub: a leaver loses their organization membership (REST "Remove organization membership
 * for a user"), which also removes them from every team and cancels an invitation sent to their
 * login; invitations sent to one of their email addresses are cancelled too. GitHub cannot give a
 * removed membership back (only a new invitation, without the teams), so a returner becomes a
 * manual task. See docs/connectors/github.md.
 */

import type { z } from 'zod';
import { type AccessPath, defineConnector, type Outcome, type VendorHttp } from '#connectors/connector.ts';
import { failureOutcome } from '#connectors/outcomes.ts';
import { bearerToken } from '#connectors/vendor-auth.ts';
import type { UserSnapshot } from '#events/envelope.ts';
import { cancelInvitation, type Invitation, pendingInvitations } from './invitations.ts';
import { APPLICATION, githubLogin } from './login.ts';
import manifest from './manifest.ts';
import { rateLimitOutcome } from './rate-limits.ts';

type Settings = z.infer<typeof manifest.settings>;

/**
 * What leaving the organization closes: GitHub checks membership on every request, so the
 * organization's resources are out of reach through any sign-in, live session, personal access
 * token, SSH key or OAuth grant, and the organization's seat is free. See docs/connectors/github.md.
 */
const MEMBERSHIP_CLOSES: readonly AccessPath[] = ['login', 'sessions', 'apiTokens', 'seat'];

export default defineConnector({
  ...manifest,
  http: ({ settings, secrets }) => ({
    baseUrl: settings.apiBaseUrl,
    headers: { accept: 'application/vnd.github+json', 'x-github-api-version': settings.apiVersion },
    auth: bearerToken(secrets.token),
    requestIdHeaders: ['x-github-request-id'],
  }),
  handlers: {
    'user.deactivated': (event, { http, settings }) => removeAccess(http, settings, event.user),
    'user.deleted': (event, { http, settings }) => removeAccess(http, settings, event.user),
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

async function removeAccess(http: VendorHttp, settings: Settings, user: UserSnapshot): Promise<Outcome> {
  const login = await githubLogin(http, settings, user);
  // Without a login there may still be an invitation to one of the user's addresses.
  if (typeof login !== 'string' && login.status !== 'not_found') return login;
  const org = settings.organization;
  let removed: { vendorReference?: string } | undefined;
  if (typeof login === 'string') {
    const action = `remove ${login} from the ${org} organization`;
    const response = await http.request({
      method: 'DELETE',
      url: `orgs/${encodeURIComponent(org)}/memberships/${encodeURIComponent(login)}`,
    });
    if (response.status === 204) removed = response.requestId ? { vendorReference: response.requestId } : {};
    else if (response.status !== 404) {
      return rateLimitOutcome(response, action) ?? failureOutcome(APPLICATION, response, action);
    }
  }

  // The listing needs the membership permission: a 404 to DELETE means "not a member" only once it answers.
  const invitations = await pendingInvitations(http, org);
  if (!Array.isArray(invitations)) {
    if (!removed) return invitations;
    // The removal stands: a retry would meet a 404 and could no longer say it happened.
    return {
      status: 'revoked',
      detail: `Removed ${login} from the ${org} organization; its pending invitations could not be checked: ${invitations.detail}`,
      closes: MEMBERSHIP_CLOSES,
      ...removed,
    };
  }
  const theirs = invitations.filter((invitation) => isTheirs(invitation, login, user));
  for (const invitation of theirs) {
    const failed = await cancelInvitation(http, org, invitation.id);
    if (failed) return failed;
  }

  const cancelled =
    theirs.length > 0 ? `cancelled ${theirs.length} pending invitation(s) to the ${org} organization` : '';
  if (removed) {
    return {
      status: 'revoked',
      detail: `Removed ${login} from the ${org} organization${cancelled ? `; ${cancelled}` : ''}`,
      closes: MEMBERSHIP_CLOSES,
      ...removed,
    };
  }
  if (cancelled) {
    // A pending invitation was their only way in: cancelling it leaves none of the paths open.
    return { status: 'revoked', detail: `${user.userName}: ${cancelled}`, closes: MEMBERSHIP_CLOSES };
  }
  if (typeof login !== 'string') return login;
  return {
    status: 'not_found',
    detail: `${login} is not a member of the ${org} organization and has no pending invitation`,
  };
}

/** An invitation to the user's login or to any of their email addresses (mailboxes match whatever their case). */
function isTheirs(invitation: Invitation, login: string | Outcome, user: UserSnapshot): boolean {
  if (typeof login === 'string' && invitation.login?.toLowerCase() === login.toLowerCase()) return true;
  const addresses = new Set(
    [user.userName, ...(user.emails ?? []).map((email) => email.value)].map((value) => value.toLowerCase()),
  );
  return invitation.email !== null && addresses.has(invitation.email.toLowerCase());
}
