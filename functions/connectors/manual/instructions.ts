/**
 * Instructions for an operator, written once in the connector's settings with placeholders for
 * the leaver: "Disable {{displayName}} ({{email}}) in the ERP: Admin > Users > {{userName}}".
 * Placeholders are checked when the settings are read, so a typo fails the deployment, not the
 * evidence of a leaver.
 */

import { accountEmail } from '#connectors/user-identity.ts';
import type { UserSnapshot } from '#events/envelope.ts';

/** What a placeholder can name, and where its value comes from. */
const VALUES = {
  userName: (user: UserSnapshot) => user.userName,
  displayName: (user: UserSnapshot) =>
    user.displayName ??
    user.name?.formatted ??
    ([user.name?.givenName, user.name?.familyName].filter(Boolean).join(' ') || user.userName),
  email: (user: UserSnapshot) => accountEmail(user),
  givenName: (user: UserSnapshot) => user.name?.givenName,
  familyName: (user: UserSnapshot) => user.name?.familyName,
  externalId: (user: UserSnapshot) => user.externalId,
  employeeNumber: (user: UserSnapshot) => user.enterprise?.employeeNumber,
  department: (user: UserSnapshot) => user.enterprise?.department,
  id: (user: UserSnapshot) => user.id,
} satisfies Record<string, (user: UserSnapshot) => string | undefined>;

export const PLACEHOLDERS = Object.keys(VALUES) as (keyof typeof VALUES)[];
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** The placeholders a template uses that do not exist (empty when it is valid). */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((match) => match[1] ?? '')
    .filter((name) => !(PLACEHOLDERS as string[]).includes(name));
}

/**
 * The template with the user's values; a value the user does not have reads "(not set)".
 *
 * @example
 * renderInstructions('Disable {{userName}}', { id: '1', userName: 'ada@x.com', active: false });
 * // 'Disable ada@x.com'
 */
export function renderInstructions(template: string, user: UserSnapshot): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = (VALUES as Record<string, (user: UserSnapshot) => string | undefined>)[name];
    return value ? (value(user) ?? '(not set)') : whole;
  });
}
