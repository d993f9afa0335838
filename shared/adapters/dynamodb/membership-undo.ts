/**
 * Undoing the part of a membership change that committed before a later part failed (a user to
 * add was deleted in between): a PATCH applies whole or not at all. The undo is a change of its
 * own, under a newer version, whose MembershipChange items say so: a consumer sees the members
 * added and then removed again, which is what happened.
 */
import { isDeepStrictEqual } from 'node:util';
import type { StoredGroup } from '../../ports/group-store.ts';
import type { Actor } from '../../ports/user-store.ts';
import { groupReplacement, versionOf } from './group-writes.ts';
import {
  bumpGroupVersion,
  type GroupVersion,
  groupVersionOf,
  type MembershipWritten,
  readGroup,
  type Table,
  type TransactItem,
  writeMembershipChange,
} from './membership.ts';

const ATTEMPTS = 5;

/**
 * Removes the members `written` added and adds back those it removed (leaving out users deleted
 * meanwhile). With `restore`, the attributes the change replaced (`from` is what it wrote, `to`
 * what it replaced) are put back in the same first transaction, unless someone changed them
 * since, or took the old displayName meanwhile: then the newer state stays.
 *
 * @example
 * await undoMembershipChange(table, 'default', failed.written, { groupId, actor, now });
 */
export async function undoMembershipChange(
  table: Table,
  directoryId: string,
  written: MembershipWritten,
  change: { groupId: string; actor: Actor; now: string; restore?: { from: StoredGroup; to: StoredGroup } },
): Promise<void> {
  let restore = change.restore;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let group: GroupVersion | undefined;
    let groupWrite: TransactItem[] | undefined;
    if (restore) {
      const stored = await readGroup(table, directoryId, change.groupId);
      if (!stored || stored.deleting) return;
      if (isDeepStrictEqual(stored.resource, restore.from.resource)) {
        const back: StoredGroup = { ...restore.to, version: stored.version + 1, lastModified: change.now };
        groupWrite = groupReplacement(table.tableName, directoryId, stored, back, change.actor);
        group = versionOf(back);
      }
    }
    if (!group) {
      const bumped = await bumpGroupVersion(table, directoryId, change.groupId, change);
      if (!bumped) return; // gone or being deleted: its memberships go with it
      group = groupVersionOf(bumped);
    }
    const result = await writeMembershipChange(table, {
      directoryId,
      group,
      add: written.removed,
      remove: written.added,
      actor: change.actor,
      now: change.now,
      ...(groupWrite ? { groupWrite } : {}),
      onVanishedUser: 'skip',
    });
    if (result.ok) return;
    if (result.failure === 'groupWrite') restore = undefined;
    // The group item moved on between our read and the write: read it again. Anything else
    // means the group is being deleted.
    else if (result.failure !== 'group' || result.written.transactions > 0 || !groupWrite) return;
  }
}
