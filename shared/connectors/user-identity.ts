/**
 * How a connector finds the vendor account of a directory user: by an email address, chosen from
 * the user snapshot by a setting every email-matching connector shares.
 */
import { z } from 'zod';
import type { UserSnapshot } from '../events/envelope.ts';

/**
 * Which address names the user at the vendor. `email`: the primary email, else the work email,
 * else the first one, else userName when it is an address (a snapshot trimmed for size keeps
 * only userName). `userName`: userName only (Entra's UPN, Okta's login), for vendors that sign
 * users in with the IdP's login rather than their mailbox.
 */
export const accountEmailSetting = z.enum(['email', 'userName']).default('email');
export type AccountEmailSource = z.infer<typeof accountEmailSetting>;

const looksLikeAddress = (value: string) => /^[^@\s]+@[^@\s]+$/.test(value);

/**
 * The address the vendor most likely knows the user by, or undefined when the user has none.
 *
 * @example
 * accountEmail({ id: '1', userName: 'ada', active: false, emails: [{ value: 'ada@x.com', primary: true }] });
 * // 'ada@x.com'
 */
export function accountEmail(user: UserSnapshot, source: AccountEmailSource = 'email'): string | undefined {
  const userName = looksLikeAddress(user.userName) ? user.userName : undefined;
  if (source === 'userName') return userName;
  const emails = user.emails ?? [];
  const chosen =
    emails.find((email) => email.primary) ?? emails.find((email) => email.type === 'work') ?? emails[0];
  return chosen && looksLikeAddress(chosen.value) ? chosen.value : userName;
}

/** What to say when a user has no address to match on. */
export function noAddressDetail(application: string, user: UserSnapshot, source: AccountEmailSource): string {
  return source === 'userName'
    ? `${application}: userName "${user.userName}" is not an email address, and accounts are matched by it`
    : `${application}: the user has no email address (and userName "${user.userName}" is not one) to find the account by`;
}
