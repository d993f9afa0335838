/**
 * An in-memory stand-in for the GroupStore look-ups scope needs (`groupsOf`, `get`), until the
 * DynamoDB GroupStore is served: tests say who is in which group.
 */
import type { GroupReader } from '../../shared/connectors/scope.ts';
import type { GroupRef, StoredGroup } from '../../shared/ports/group-store.ts';

export interface MemoryGroups extends GroupReader {
  /** Puts the user in the group (created on first use). */
  add(userId: string, group: GroupRef): void;
}

export function memoryGroups(): MemoryGroups {
  const memberships = new Map<string, GroupRef[]>();
  const groups = new Map<string, GroupRef>();
  return {
    add(userId, group) {
      groups.set(group.id, group);
      memberships.set(userId, [...(memberships.get(userId) ?? []), group]);
    },
    groupsOf: async (_directoryId, userId) => [...(memberships.get(userId) ?? [])],
    get: async (_directoryId, id): Promise<StoredGroup | undefined> => {
      const group = groups.get(id);
      if (!group) return undefined;
      return {
        id,
        resource: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: group.displayName,
        },
        version: 1,
        created: '2026-01-01T00:00:00.000Z',
        lastModified: '2026-01-01T00:00:00.000Z',
      };
    },
  };
}
