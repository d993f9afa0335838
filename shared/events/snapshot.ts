/**
 * Builds the user snapshot an event carries from the SCIM JSON stored on the item. Values are
 * read defensively: the stored JSON passed SCIM validation, but an event must never fail to be
 * built because an optional attribute had an unexpected shape, so such a value is left out.
 */
import { ENTERPRISE_USER_SCHEMA } from '../scim/schema/user.ts';
import type { GroupSnapshot, UserSnapshot } from './envelope.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Copies the string fields named in `fields` from `source`, leaving absent ones out. */
function pickStrings(source: unknown, fields: readonly string[]): Record<string, string> | undefined {
  if (!isObject(source)) return undefined;
  const picked: Record<string, string> = {};
  for (const field of fields) {
    const value = text(source[field]);
    if (value !== undefined) picked[field] = value;
  }
  return Object.keys(picked).length > 0 ? picked : undefined;
}

/**
 * The snapshot of a user from its stored id and SCIM resource.
 *
 * @example
 * userSnapshot('4d94e544', { schemas: [...], userName: 'ada@example.com', active: false });
 * // { id: '4d94e544', userName: 'ada@example.com', active: false }
 */
export function userSnapshot(id: string, resource: Json): UserSnapshot {
  const emails = Array.isArray(resource.emails)
    ? resource.emails.filter(isObject).flatMap((email) => {
        const value = text(email.value);
        if (value === undefined) return [];
        const type = text(email.type);
        return [{ value, ...(type ? { type } : {}), ...(email.primary === true ? { primary: true } : {}) }];
      })
    : [];
  const name = pickStrings(resource.name, [
    'formatted',
    'familyName',
    'givenName',
    'middleName',
    'honorificPrefix',
    'honorificSuffix',
  ]);
  const extension = resource[ENTERPRISE_USER_SCHEMA];
  const enterpriseFields = pickStrings(extension, [
    'employeeNumber',
    'costCenter',
    'organization',
    'division',
    'department',
  ]);
  const manager = isObject(extension) ? pickStrings(extension.manager, ['value', 'displayName']) : undefined;
  const enterprise =
    enterpriseFields || manager ? { ...enterpriseFields, ...(manager ? { manager } : {}) } : undefined;
  const externalId = text(resource.externalId);
  const displayName = text(resource.displayName);
  const groups = Array.isArray(resource.groups)
    ? resource.groups.filter(isObject).flatMap((group) => (text(group.value) ? [String(group.value)] : []))
    : [];
  return {
    id,
    userName: text(resource.userName) ?? '',
    ...(externalId !== undefined ? { externalId } : {}),
    ...(displayName !== undefined ? { displayName } : {}),
    // SCIM's default for an absent active is true (the store records it the same way).
    active: resource.active !== false,
    ...(emails.length > 0 ? { emails } : {}),
    ...(name ? { name } : {}),
    ...(enterprise ? { enterprise } : {}),
    ...(groups.length > 0 ? { groups } : {}),
  };
}

/**
 * The snapshot of a group from its id and SCIM resource (or the copies a MembershipChange item
 * keeps): name and externalId, never members (membership events list the members they are about).
 *
 * @example
 * groupSnapshot('e1f2a3b4', { schemas: [...], displayName: 'Engineering', externalId: 'eng' });
 * // { id: 'e1f2a3b4', displayName: 'Engineering', externalId: 'eng' }
 */
export function groupSnapshot(id: string, resource: Json): GroupSnapshot {
  const externalId = text(resource.externalId);
  return {
    id,
    displayName: text(resource.displayName) ?? '',
    ...(externalId !== undefined ? { externalId } : {}),
  };
}

/**
 * The snapshot without its unbounded fields, for an event that would not fit EventBridge's
 * 256 KB otherwise. The event is still published: a leaver must never be dropped for size.
 *
 * @example
 * trimmedSnapshot(snapshot); // { id, userName, externalId, displayName, active, truncated: true }
 */
export function trimmedSnapshot(snapshot: UserSnapshot): UserSnapshot {
  const { emails: _emails, name: _name, enterprise: _enterprise, groups: _groups, ...kept } = snapshot;
  return {
    ...kept,
    userName: kept.userName.slice(0, 1024),
    ...(kept.displayName !== undefined ? { displayName: kept.displayName.slice(0, 1024) } : {}),
    ...(kept.externalId !== undefined ? { externalId: kept.externalId.slice(0, 1024) } : {}),
    truncated: true,
  };
}
