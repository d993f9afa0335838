/**
 * Which users a connector acts for: everyone, or only members of given IdP groups, named by
 * displayName (case-insensitive, as IdPs match groups) or by id. Evaluated by the connector
 * runtime for every event and by the evidence recorder for every leaver, with the same function,
 * so what the evidence expects is what the connector does.
 */
import { z } from 'zod';
import type { UserEvent } from '../events/catalogue.ts';
import type { GroupRef, GroupStore } from '../ports/group-store.ts';

export const scopeSchema = z.union([
  z.literal('everyone'),
  z.strictObject({
    /** Group displayNames or ids; a user in any of them is in scope. */
    groups: z.array(z.string().trim().min(1)).min(1),
  }),
]);

export type Scope = z.infer<typeof scopeSchema>;

/** What scope needs of the groups: a live user's groups, and a group's name from its id. */
export type GroupReader = Pick<GroupStore, 'groupsOf' | 'get'>;

/**
 * Whether the user of an event is in scope. A deleted user has no memberships left to read, so
 * its snapshot's group ids (taken when it was deleted) are used, with names read for them.
 *
 * @example
 * await inScope({ groups: ['Engineering'] }, event, groupStore); // true when the user is in Engineering
 */
export async function inScope(scope: Scope, event: UserEvent, groups: GroupReader): Promise<boolean> {
  if (scope === 'everyone') return true;
  const memberOf = await groupsOfUser(event, groups);
  const wanted = scope.groups.map((name) => name.toLowerCase());
  return memberOf.some(
    (group) => scope.groups.includes(group.id) || wanted.includes(group.displayName.toLowerCase()),
  );
}

async function groupsOfUser(event: UserEvent, groups: GroupReader): Promise<GroupRef[]> {
  if (event.type !== 'user.deleted') return groups.groupsOf(event.directoryId, event.user.id);
  const ids = event.user.groups ?? [];
  const named = await Promise.all(
    ids.map(async (id) => {
      const group = await groups.get(event.directoryId, id);
      const displayName = group?.resource.displayName;
      return { id, displayName: typeof displayName === 'string' ? displayName : '' };
    }),
  );
  return named;
}

/** A directory without groups (Groups not served, or a test): nobody is a member of anything. */
export const noGroups: GroupReader = {
  groupsOf: async () => [],
  get: async () => undefined,
};

/**
 * A human phrase for a scope, for the console and the evidence.
 *
 * @example
 * describeScope({ groups: ['Engineering', 'Sales'] }); // 'members of Engineering, Sales'
 */
export function describeScope(scope: Scope): string {
  return scope === 'everyone' ? 'everyone' : `members of ${scope.groups.join(', ')}`;
}
