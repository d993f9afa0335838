import { ScimError } from '../errors.ts';
import { isScimObject, type ScimObject, type ScimValue } from '../resource.ts';
import { findAttribute } from '../schema/attribute.ts';
import { groupSchema } from '../schema/group.ts';

/**
 * The most members one response carries: a group read, or a page of groups together. A group's
 * members are stored one item each, so a group has no size limit; its representation does (API
 * Gateway and Lambda cap a response at 6 MB and 29 seconds). Past it the request gets 400 tooMany
 * with the way to read such a group (docs/groups.md).
 */
export const MAX_MEMBERS_RETURNED = 10_000;

const memberAttributes = findAttribute(groupSchema.attributes, 'members')?.subAttributes;

/**
 * Reads a list of members as clients send it (POST and PUT bodies, PATCH values after
 * normalisation) into the ids of the users, without duplicates, in the order given. `$ref` and
 * `display` are the server's and ignored; `type` may only be "User": nested groups are not
 * supported (Entra ID does not provision them either). Whether each id is a user of the directory
 * is checked by storage, atomically with the write.
 *
 * @example
 * readMemberIds([{ value: 'u1', display: 'Ada' }, { value: 'u2', type: 'User' }, { value: 'u1' }], 'members')
 * // => ['u1', 'u2']
 */
export function readMemberIds(value: ScimValue, where: string): string[] {
  if (value === null) return [];
  if (!Array.isArray(value)) {
    throw invalid(`${where}: "members" is multi-valued and must be an array of {"value": "<user id>"}`);
  }
  const ids = new Set<string>();
  value.forEach((item, position) => {
    if (item === null) return;
    if (!isScimObject(item)) {
      throw invalid(
        `${where}: member ${position} must be an object {"value": "<user id>"}, not ${shown(item)}`,
      );
    }
    const id = sub(item, 'value');
    if (typeof id !== 'string' || id === '') {
      throw invalid(
        `${where}: member ${position} needs "value", the id of a user as a non-empty string, not ${shown(id ?? null)}`,
      );
    }
    const type = sub(item, 'type');
    const ref = sub(item, '$ref');
    const isGroup =
      (typeof type === 'string' && type.toLowerCase() === 'group') ||
      (typeof ref === 'string' && /\/Groups\//i.test(ref));
    if (isGroup) {
      throw invalid(
        `${where}: member "${id}" is a group; nested groups are not supported, a group's members are users of this directory`,
      );
    }
    if (type !== undefined && type !== null && (typeof type !== 'string' || type.toLowerCase() !== 'user')) {
      throw invalid(`${where}: member "${id}" has type ${shown(type)}; the only member type is "User"`);
    }
    ids.add(id);
  });
  return [...ids];
}

/**
 * A member as a group shows it. `display` is left out: it would cost a read of every member's
 * user, and clients identify members by `value`.
 */
export function memberEntry(baseUrl: string, userId: string): ScimObject {
  return { value: userId, $ref: `${baseUrl}/Users/${userId}`, type: 'User' };
}

/** A sub-attribute of a member, its name matched case-insensitively (RFC 7643 §2.1). */
function sub(item: ScimObject, name: string): ScimValue | undefined {
  const key = Object.keys(item).find(
    (candidate) => findAttribute(memberAttributes, candidate)?.name === name,
  );
  return key === undefined ? undefined : item[key];
}

function shown(value: ScimValue): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(detail: string): ScimError {
  return ScimError.badRequest('invalidValue', `${detail}.`);
}
