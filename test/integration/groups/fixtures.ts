/**
 * Helpers for the group store's integration tests: users created through the user store, groups
 * through the group store, and readers for what the stores keep (members, MembershipChange items).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { localClientConfig } from '../../../local/dynamodb-local.ts';
import { documentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { DynamoGroupStore } from '../../../shared/adapters/dynamodb/group-store.ts';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store.ts';
import type { StoredGroup } from '../../../shared/ports/group-store.ts';
import type { Actor, StoredUser } from '../../../shared/ports/user-store.ts';
import type { ScimResource } from '../../../shared/scim/resource.ts';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../../shared/scim/schema/resource-type.ts';
import { keys } from '../../../shared/store/keys.ts';
import type { TestTable } from '../../support/dynamo.ts';

export const actor: Actor = { kind: 'token', id: 'tok-1', label: 'Entra ID' };
export const NOW = '2026-03-02T09:00:00.000Z';

export function storesOf(table: TestTable) {
  return {
    users: new DynamoUserStore(table.document, table.tableName),
    groups: new DynamoGroupStore(table.document, table.tableName),
  };
}

let directories = 0;
/** A directory of its own per test, so tests of one file never see each other's data. */
export const newDirectory = (name = 'dir') =>
  `${name}-${++directories}-${Math.random().toString(36).slice(2, 6)}`;

export const groupResource = (displayName: string, extra: Record<string, string> = {}): ScimResource => ({
  schemas: [GROUP_SCHEMA],
  displayName,
  ...extra,
});

/** `count` user ids: `{prefix}000`, `{prefix}001`, … */
export const userIds = (count: number, prefix = 'u') =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

/** Creates the users (userName `{id}@example.com`) and returns their ids. */
export async function createUsers(
  table: TestTable,
  directoryId: string,
  ids: readonly string[],
): Promise<readonly string[]> {
  const { users } = storesOf(table);
  await Promise.all(
    ids.map((id) =>
      users.create(
        directoryId,
        { id, resource: { schemas: [USER_SCHEMA], userName: `${id}@example.com` }, now: NOW },
        actor,
      ),
    ),
  );
  return ids;
}

/** The stored group, which the test expects to exist. */
export async function mustGetGroup(table: TestTable, directoryId: string, id: string): Promise<StoredGroup> {
  const group = await storesOf(table).groups.get(directoryId, id);
  if (!group) throw new Error(`Group ${id} is missing`);
  return group;
}

export async function mustGetUser(table: TestTable, directoryId: string, id: string): Promise<StoredUser> {
  const user = await storesOf(table).users.get(directoryId, id);
  if (!user) throw new Error(`User ${id} is missing`);
  return user;
}

export async function createGroup(
  table: TestTable,
  directoryId: string,
  displayName: string,
  members: readonly string[] = [],
  id = `g-${Math.random().toString(36).slice(2, 10)}`,
): Promise<StoredGroup> {
  return storesOf(table).groups.create(
    directoryId,
    { id, resource: groupResource(displayName), members, now: NOW },
    actor,
  );
}

/** Every member of a group, following `next` through slices of `limit`. */
export async function allMembers(
  table: TestTable,
  directoryId: string,
  groupId: string,
  limit = 7,
): Promise<string[]> {
  const { groups } = storesOf(table);
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const slice = await groups.members(directoryId, groupId, { limit, ...(after ? { after } : {}) });
    ids.push(...slice.userIds);
    after = slice.next;
  } while (after !== undefined);
  return ids;
}

export interface JournalEntry {
  version: number;
  kind: 'added' | 'removed';
  members: string[];
  part: number;
  parts: number;
}

/** The MembershipChange items of a group, in key order (version, kind, part). */
export async function membershipChanges(
  table: TestTable,
  directoryId: string,
  groupId: string,
): Promise<JournalEntry[]> {
  const { Items = [] } = await table.document.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.partition(directoryId),
        ':prefix': keys.membershipChangePrefix(groupId),
      },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => ({
    version: Number(item.version),
    kind: item.kind as JournalEntry['kind'],
    members: [...(item.members as string[])].sort(),
    part: Number(item.part),
    parts: Number(item.parts),
  }));
}

/** The storage Group version without reading memberships. */
export async function versionOf(
  table: TestTable,
  directoryId: string,
  groupId: string,
): Promise<number | undefined> {
  return (await storesOf(table).groups.get(directoryId, groupId))?.version;
}

/**
 * Stores on a client of their own whose every command first passes `inject` (by command name,
 * e.g. `TransactWriteItems`), which may throw to simulate a crash or a DynamoDB fault, or do
 * something in between. Fault injection only: the commands themselves run on DynamoDB Local.
 */
export function storesWithFaults(
  table: TestTable,
  inject: (command: string, input: Record<string, unknown>) => void | Promise<void>,
) {
  const client = documentClient(localClientConfig(table.endpoint));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      await inject(
        (context.commandName ?? '').replace(/Command$/, ''),
        args.input as Record<string, unknown>,
      );
      return next(args);
    },
    { step: 'initialize', name: 'faultInjection' },
  );
  return {
    users: new DynamoUserStore(client, table.tableName),
    groups: new DynamoGroupStore(client, table.tableName),
    destroy: () => client.destroy(),
  };
}
