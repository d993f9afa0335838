/**
 * The transaction actions of creating and replacing a user or a group, alike for both: the
 * resource item, its uniqueness claim (userName, displayName), its index entries and its count.
 */
import type { TransactItem } from './membership.ts';
import { type CountedResource, resourceCounterUpdate } from './resource-counter.ts';

export type PutAction = TransactItem & { Put: NonNullable<TransactItem['Put']> };

/** What a replacement compares: the sort keys of the resource's claim and index entries. */
export interface ClaimsAndEntries {
  readonly claimSk: string;
  readonly indexSks: readonly string[];
}

/**
 * The actions of one create: the resource item and its claim, each only where nothing is yet
 * (the claim is what makes the name unique: a second create finds it and the whole transaction
 * fails, its reason the second), its index entries and the count's `+1`.
 *
 * @example
 * const actions = creationActions(tableName, { directoryId, resourceType: 'User', item, claimItem, indexItem });
 */
export function creationActions<Item extends ClaimsAndEntries>(
  tableName: string,
  creation: {
    readonly directoryId: string;
    readonly resourceType: CountedResource;
    readonly item: Item;
    readonly claimItem: Record<string, unknown>;
    readonly indexItem: (sk: string) => Record<string, unknown>;
  },
): [PutAction, ...TransactItem[]] {
  const { item } = creation;
  return [
    { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Put: {
        TableName: tableName,
        Item: creation.claimItem,
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...item.indexSks.map((sk) => ({ Put: { TableName: tableName, Item: creation.indexItem(sk) } })),
    resourceCounterUpdate(tableName, creation.directoryId, creation.resourceType, +1),
  ];
}

export interface Replacement<Item extends ClaimsAndEntries> {
  readonly before: ClaimsAndEntries;
  readonly after: Item;
  readonly expectedVersion: number;
  /** The claim item of `after`, written only when the claim moves. */
  readonly claimItem: () => Record<string, unknown>;
  /** The index entry item of one of `after`'s index sort keys. */
  readonly indexItem: (sk: string) => Record<string, unknown>;
}

/**
 * The actions of one replacement, the resource item's first and, when the claim moves, the new
 * claim's second (so a cancelled transaction's reasons say which failed).
 *
 * @example
 * const [put, ...related] = replacementActions(tableName, { before, after, expectedVersion: 3, claimItem, indexItem });
 */
export function replacementActions<Item extends ClaimsAndEntries & { pk: string }>(
  tableName: string,
  replacement: Replacement<Item>,
): [PutAction, ...TransactItem[]] {
  const { before, after } = replacement;
  const key = (sk: string) => ({ pk: after.pk, sk });
  return [
    {
      Put: {
        TableName: tableName,
        Item: after,
        // The optimistic lock: only the version read may be replaced, and never a resource being deleted.
        ConditionExpression: '#version = :expected AND attribute_not_exists(#deleting)',
        ExpressionAttributeNames: { '#version': 'version', '#deleting': 'deleting' },
        ExpressionAttributeValues: { ':expected': replacement.expectedVersion },
      },
    },
    ...(before.claimSk !== after.claimSk
      ? [
          {
            Put: {
              TableName: tableName,
              Item: replacement.claimItem(),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Delete: { TableName: tableName, Key: key(before.claimSk) } },
        ]
      : []),
    ...before.indexSks
      .filter((sk) => !after.indexSks.includes(sk))
      .map((sk) => ({ Delete: { TableName: tableName, Key: key(sk) } })),
    ...after.indexSks
      .filter((sk) => !before.indexSks.includes(sk))
      .map((sk) => ({ Put: { TableName: tableName, Item: replacement.indexItem(sk) } })),
  ];
}
