/**
 * Finding a Zendesk user by an email address. The users search matches partially and on every
 * email identity, while a user's `email` is only the primary one: an exact primary match wins,
 * otherwise each candidate's identities are read for the address as a secondary email. "Not
 * found" is said only when the search was read to its end: Zendesk returns at most 100 users a
 * page and stops at its result limit, and the connector never guesses past either.
 * https://developer.zendesk.com/api-reference/ticketing/users/users/#search-users
 * https://developer.zendesk.com/api-reference/ticketing/users/user_identities/#list-identities
 * https://developer.zendesk.com/api-reference/introduction/pagination/#using-offset-pagination
 */
import type { Outcome, VendorHttp } from '#connectors/connector.ts';
import { failureOutcome } from '#connectors/outcomes.ts';

export const APPLICATION = 'Zendesk';

export interface ZendeskUser {
  readonly id: number;
  readonly email?: string | null;
  readonly role?: string;
  readonly suspended?: boolean;
}

interface SearchPage {
  readonly users?: ZendeskUser[];
  readonly next_page?: string | null;
  readonly count?: number;
}

interface IdentityPage {
  readonly identities?: { type?: string; value?: string }[];
}

/** 100 pages of 100: the 10,000 users Zendesk returns for one query at most. */
const MAX_PAGES = 100;

/**
 * The user whose primary email or one of whose email identities is exactly `email`
 * (case-insensitively); `{}` when the whole search shows there is none; an outcome otherwise.
 *
 * @example
 * const found = await findByEmail(http, 'ada@example.com');
 * if ('status' in found) return found;
 */
export async function findByEmail(
  http: VendorHttp,
  email: string,
): Promise<{ user?: ZendeskUser } | Outcome> {
  const wanted = email.toLowerCase();
  const candidates: ZendeskUser[] = [];
  let url: string | null | undefined = 'users/search';
  let query: Record<string, string> | undefined = { query: `email:${email}`, per_page: '100' };
  let read = 0;
  let total: number | undefined;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const response = await http.request({ method: 'GET', url, ...(query ? { query } : {}) });
    if (response.status !== 200) return failureOutcome(APPLICATION, response, `search for ${email}`);
    const body = response.body as SearchPage;
    const users = body.users ?? [];
    const exact = users.find((candidate) => candidate.email?.toLowerCase() === wanted);
    if (exact) return { user: exact };
    candidates.push(...users);
    read += users.length;
    total = body.count ?? total;
    // next_page is an absolute URL carrying the query and the page.
    url = body.next_page;
    query = undefined;
  }
  if (url || (total !== undefined && total > read)) {
    return {
      status: 'failed_permanent',
      detail: `Zendesk's search for ${email} matched ${total ?? 'more'} users, more than it returns (${read} read): the user cannot be told absent. Suspend them by hand in Zendesk.`,
    };
  }
  for (const candidate of candidates) {
    const response = await http.request({ method: 'GET', url: `users/${candidate.id}/identities` });
    if (response.status !== 200) {
      return failureOutcome(APPLICATION, response, `read the identities of Zendesk user ${candidate.id}`);
    }
    const identities = (response.body as IdentityPage).identities ?? [];
    if (
      identities.some((identity) => identity.type === 'email' && identity.value?.toLowerCase() === wanted)
    ) {
      return { user: candidate };
    }
  }
  return {};
}
