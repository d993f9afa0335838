/**
 * DynamoDB's capacity pricing rules, for the one place where DynamoDB Local's ConsumedCapacity
 * cannot be trusted: TransactWriteItems. Local sums the sizes of all items of a transaction
 * before rounding (three small Puts report 2 units), whereas DynamoDB rounds every item up to
 * 1 KB on its own and doubles it (three small Puts cost 6). Reads and single-item writes from
 * Local follow the rules and are taken as reported.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { directoryTable } from '../../shared/store/table.ts';

type Item = Record<string, unknown>;
type Key = Record<string, unknown>;

/** The item size DynamoDB bills for: attribute names plus values, per the developer guide. */
export function itemBytes(item: Item): number {
  const attributes = marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true });
  return Object.entries(attributes).reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);
}

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberBytes(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  // Lists and maps: 3 bytes of overhead, plus 1 byte per element.
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueBytes(v), 0);
  if (value.M !== undefined)
    return 3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + 1 + utf8(k) + valueBytes(v), 0);
  throw new Error(`Unsized attribute value ${JSON.stringify(value)}`);
}

/**
 * About one byte per two significant digits, plus one: the guide's approximation. DynamoDB Local
 * counts numbers a few bytes larger; the only numbers here are versions and counters, and
 * checkSizeModel fails the run should that ever tip an item over a KB boundary.
 */
function numberBytes(n: string): number {
  const digits = n.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** One standard write of an item whose larger (before, after) size is `bytes`: 1 WCU per started KB, at least 1. */
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

const keyOf = (item: Item): Key => ({
  [directoryTable.partitionKey.name]: item[directoryTable.partitionKey.name],
  [directoryTable.sortKey.name]: item[directoryTable.sortKey.name],
});

/**
 * Prices a TransactWriteItems: 2 × (1 WCU per started KB of the larger of the item before and
 * after) for each action. `reader` is an uninstrumented client; `before` is read before the
 * transaction runs and `after` once it has, for the Update actions whose result we cannot know.
 */
export class TransactionPricer {
  constructor(private readonly reader: DynamoDBDocumentClient) {}

  async before(input: TransactWriteCommandInput): Promise<Map<string, number>> {
    const keys = (input.TransactItems ?? []).map((action) => {
      if (action.Put) return { table: action.Put.TableName, key: keyOf(action.Put.Item ?? {}) };
      if (action.Delete) return { table: action.Delete.TableName, key: action.Delete.Key ?? {} };
      if (action.Update) return { table: action.Update.TableName, key: action.Update.Key ?? {} };
      if (action.ConditionCheck)
        return { table: action.ConditionCheck.TableName, key: action.ConditionCheck.Key ?? {} };
      throw new Error('Unknown transaction action');
    });
    return this.sizes(keys);
  }

  async units(input: TransactWriteCommandInput, before: Map<string, number>): Promise<number> {
    const updated = (input.TransactItems ?? []).flatMap((action) =>
      action.Update ? [{ table: action.Update.TableName, key: action.Update.Key ?? {} }] : [],
    );
    const after = updated.length > 0 ? await this.sizes(updated) : new Map<string, number>();
    let units = 0;
    for (const action of input.TransactItems ?? []) {
      let bytes = 0;
      if (action.Put) {
        const item = action.Put.Item ?? {};
        bytes = Math.max(before.get(id(keyOf(item))) ?? 0, itemBytes(item));
      } else if (action.Delete) {
        bytes = before.get(id(action.Delete.Key ?? {})) ?? 0;
      } else if (action.Update) {
        const key = id(action.Update.Key ?? {});
        bytes = Math.max(before.get(key) ?? 0, after.get(key) ?? 0);
      } else if (action.ConditionCheck) {
        // Priced as a transactional write of the item checked (DynamoDB bills a ConditionCheck
        // in write units, prepare and commit alike); an assumption the report states.
        bytes = before.get(id(action.ConditionCheck.Key ?? {})) ?? 0;
      }
      units += 2 * writeUnits(bytes);
    }
    return units;
  }

  /** Sizes of the items that exist, by key; absent items are simply missing from the map. */
  private async sizes(keys: { table: string | undefined; key: Key }[]): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    for (let i = 0; i < keys.length; i += 100) {
      const byTable = new Map<string, Key[]>();
      for (const { table, key } of keys.slice(i, i + 100)) {
        if (!table) throw new Error('Transaction action without TableName');
        byTable.set(table, [...(byTable.get(table) ?? []), key]);
      }
      let request: Record<string, { Keys: Key[]; ConsistentRead: boolean }> | undefined = Object.fromEntries(
        [...byTable].map(([table, tableKeys]) => [table, { Keys: tableKeys, ConsistentRead: true }]),
      );
      while (request && Object.keys(request).length > 0) {
        const result = await this.reader.send(new BatchGetCommand({ RequestItems: request }));
        for (const items of Object.values(result.Responses ?? {}))
          for (const item of items) sizes.set(id(keyOf(item)), itemBytes(item));
        request = result.UnprocessedKeys as typeof request;
      }
    }
    return sizes;
  }
}

const id = (key: Key) =>
  `${String(key[directoryTable.partitionKey.name])}\u0000${String(key[directoryTable.sortKey.name])}`;

/**
 * Fails the run unless this size model gives the units DynamoDB Local reports for single-item
 * PutItems (where Local follows the rules), so the priced transactions rest on checked sizes.
 */
export async function checkSizeModel(client: DynamoDBDocumentClient, tableName: string, items: Item[]) {
  for (const item of items) {
    const { ConsumedCapacity } = await client.send(
      new PutCommand({ TableName: tableName, Item: item, ReturnConsumedCapacity: 'TOTAL' }),
    );
    const bytes = itemBytes(item);
    if (ConsumedCapacity?.CapacityUnits !== writeUnits(bytes))
      throw new Error(
        `Size model disagrees with DynamoDB Local: ${bytes} bytes priced ${writeUnits(bytes)} WCU, Local says ${ConsumedCapacity?.CapacityUnits} (${String(item.sk)})`,
      );
  }
}
