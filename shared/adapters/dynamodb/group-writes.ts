/**
 * The writes of a group's own items, as transaction actions: its item, the displayName claim,
 * the externalId index entry and the group counter. The membership writer commits them with the
 * first part of a membership change, so that a group and its first members are one transaction.
 */
import type { StoredGroup } from '../../ports/group-store.ts';
import type { Actor } from '../../ports/user-store.ts';
import {
  displayNameClaimItem,
  displayNameOf,
  externalIdOf,
  groupIndexItem,
  toGroupItem,
} from './group-item.ts';
import type { GroupVersion, TransactItem } from './membership.ts';
import { resourceCounterUpdate } from './resource-counter.ts';
import { creationActions, type PutAction, replacementActions } from './resource-writes.ts';

/** A new group: its item, its claim (which fails the transaction if the name is taken), its index entry, the count. */
export function groupCreation(
  tableName: string,
  directoryId: string,
  group: StoredGroup,
  actor: Actor,
): [PutAction, ...TransactItem[]] {
  const item = toGroupItem(directoryId, group, actor);
  return creationActions(tableName, {
    directoryId,
    resourceType: 'Group',
    item,
    claimItem: displayNameClaimItem(directoryId, group.id, item.displayName),
    indexItem: (sk) => groupIndexItem(directoryId, group.id, sk),
  });
}

/**
 * `current` replaced by `next`: the group item (only over the version read, never over a group
 * being deleted), and the claim and index entries that move. The first action is the item's.
 */
export function groupReplacement(
  tableName: string,
  directoryId: string,
  current: StoredGroup,
  next: StoredGroup,
  actor: Actor,
): [PutAction, ...TransactItem[]] {
  const item = toGroupItem(directoryId, next, actor);
  return replacementActions(tableName, {
    before: toGroupItem(directoryId, current, actor),
    after: item,
    expectedVersion: current.version,
    claimItem: () => displayNameClaimItem(directoryId, current.id, item.displayName),
    indexItem: (sk) => groupIndexItem(directoryId, current.id, sk),
  });
}

/** The directory's group count and generation (resource-counter.ts), on a random one of its shards. */
export function groupCounterUpdate(tableName: string, directoryId: string, delta: number): TransactItem {
  return resourceCounterUpdate(tableName, directoryId, 'Group', delta);
}

/** The version a change of `group` produces, with what its MembershipChange items show of the group. */
export function versionOf(group: StoredGroup): GroupVersion {
  return {
    groupId: group.id,
    version: group.version,
    displayName: displayNameOf(group.resource),
    externalId: externalIdOf(group.resource),
  };
}
