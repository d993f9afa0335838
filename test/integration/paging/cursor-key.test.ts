import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoCursorKey } from '../../../shared/adapters/dynamodb/cursor-key.ts';
import { CursorCodec, type CursorScope } from '../../../shared/scim/cursor.ts';
import { keys } from '../../../shared/store/keys.ts';
import { useDynamoTable } from '../../support/dynamo.ts';

const scope: CursorScope = { directoryId: 'default', resourceType: 'User', query: '{}', count: 100 };

describe('DynamoCursorKey', () => {
  const table = useDynamoTable();

  it('gives every container the same key: cold starts racing to create it agree, and a cursor of one opens in another', async () => {
    const containers = Array.from({ length: 6 }, () => new DynamoCursorKey(table.document, table.tableName));
    const created = await Promise.all(containers.map((container) => container.key()));
    for (const key of created)
      expect(Buffer.from(key).equals(Buffer.from(created[0] as Uint8Array))).toBe(true);
    expect(created[0]?.length).toBe(32);

    const cursor = await new CursorCodec(containers[0] as DynamoCursorKey).issue(scope, {
      direction: 'after',
      id: 'u1',
    });
    const later = new DynamoCursorKey(table.document, table.tableName);
    expect(await new CursorCodec(later).open(cursor, scope)).toEqual({ direction: 'after', id: 'u1' });
  });

  it('reads the key once per container, and a deleted key is replaced by a new one that refuses old cursors', async () => {
    const container = new DynamoCursorKey(table.document, table.tableName);
    const codec = new CursorCodec(container);
    const cursor = await codec.issue(scope, { direction: 'after', id: 'u1' });
    await table.document.send(new DeleteCommand({ TableName: table.tableName, Key: keys.cursorKey }));
    // The warm container keeps its key (rotation needs fresh containers, docs/paging.md)…
    expect(await codec.open(cursor, scope)).toMatchObject({ id: 'u1' });
    // …a fresh one creates a new key, and the old cursor is refused.
    const fresh = new CursorCodec(new DynamoCursorKey(table.document, table.tableName));
    await expect(fresh.open(cursor, scope)).rejects.toMatchObject({ status: 400, scimType: 'invalidCursor' });
    const { Item } = await table.document.send(
      new GetCommand({ TableName: table.tableName, Key: keys.cursorKey, ConsistentRead: true }),
    );
    expect(Item).toMatchObject({ type: 'CursorKey', secret: expect.any(Uint8Array) });
  });
});
