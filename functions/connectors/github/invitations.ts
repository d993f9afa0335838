/**
 * Pending organization invitations. Removing a membership cancels an invitation sent to a login,
 * but an invitation sent to an email address has no login until it is accepted: left alone, the
 * leaver could still accept it and join. Listing them needs an organization owner's token with
 * "Members" read, so a 200 also proves the token sees the organization's members.
 * https://docs.github.com/en/rest/orgs/members#list-pending-organization-invitations
 * https://docs.github.com/en/rest/orgs/members#cancel-an-organization-invitation
 * https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
 */
import type { Outcome, VendorHttp, VendorResponse } from '#connectors/connector.ts';
import { failureOutcome } from '#connectors/outcomes.ts';
import { APPLICATION } from './login.ts';
import { rateLimitOutcome } from './rate-limits.ts';

export interface Invitation {
  readonly id: number;
  readonly login: string | null;
  readonly email: string | null;
}

/** More pages than any organization's pending invitations fill at 100 a page. */
const MAX_PAGES = 50;

/**
 * The organization's pending invitations, following the `Link` header's `next` page.
 *
 * @example
 * const invitations = await pendingInvitations(http, 'acme');
 * if (!Array.isArray(invitations)) return invitations; // the outcome of a refusal
 */
export async function pendingInvitations(http: VendorHttp, org: string): Promise<Invitation[] | Outcome> {
  const found: Invitation[] = [];
  let url: string | undefined = `orgs/${encodeURIComponent(org)}/invitations`;
  let query: Record<string, string> | undefined = { per_page: '100' };
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const response = await http.request({ method: 'GET', url, ...(query ? { query } : {}) });
    if (response.status !== 200) return refusal(response, org);
    found.push(...(response.body as Invitation[]));
    url = nextPage(response.headers.get('link'));
    query = undefined;
  }
  return found;
}

/**
 * Cancels one invitation; an invitation already gone (404) is as good as cancelled.
 *
 * @example
 * const failed = await cancelInvitation(http, 'acme', 42);
 * if (failed) return failed;
 */
export async function cancelInvitation(
  http: VendorHttp,
  org: string,
  id: number,
): Promise<Outcome | undefined> {
  const response = await http.request({
    method: 'DELETE',
    url: `orgs/${encodeURIComponent(org)}/invitations/${id}`,
  });
  if (response.status === 204 || response.status === 404) return undefined;
  const action = `cancel the pending invitation ${id} to the ${org} organization`;
  return rateLimitOutcome(response, action) ?? failureOutcome(APPLICATION, response, action);
}

function refusal(response: VendorResponse, org: string): Outcome {
  const action = `list the pending invitations of the ${org} organization`;
  if (response.status === 404) {
    // GitHub answers 404 for what the token may not see: never let that pass as "no account".
    return {
      status: 'failed_permanent',
      detail: `GitHub: the ${org} organization does not exist, or the token cannot see its members (404 to ${action}); it must be an organization owner's token with "Members" access`,
      ...(response.requestId ? { vendorReference: response.requestId } : {}),
    };
  }
  return rateLimitOutcome(response, action) ?? failureOutcome(APPLICATION, response, action);
}

/** The `rel="next"` URL of an RFC 8288 Link header, as GitHub sends it. */
function nextPage(link: string | null): string | undefined {
  for (const part of link?.split(',') ?? []) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (match?.[1]) return match[1];
  }
  return undefined;
}
