import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type {
  ApplicationState,
  HistoryEntry,
  LeaverRecord,
  RevocationLedger,
  UserLedger,
} from '../../ports/revocation-ledger.ts';
import { keys, ledgerKeys } from '../../store/keys.ts';
import { queryPrefix } from './query-prefix.ts';

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** The item types of the ledger, as the `type` attribute says (the stream relay ignores them). */
const TYPES = {
  application: 'LedgerApplication',
  history: 'LedgerHistory',
  leaver: 'Leaver',
  leaverByTime: 'LeaverByTime',
  leaverByName: 'LeaverByName',
} as const;

interface Keyed {
  pk: string;
  sk: string;
  type: string;
}

/** Strips the key attributes from an item read back, leaving the record the port speaks of. */
function record<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, type: _type, directoryId: _directory, ...rest } = item;
  return rest as T;
}

/**
 * The revocation ledger in the evidence table (layout in shared/store/table.ts). Application
 * states and leaver records are replaced only if their version is the one read; history entries
 * and index entries are created only if absent. No method deletes anything.
 */
export class DynamoRevocationLedger implements RevocationLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    /** The evidence table, never the directory table. */
    private readonly tableName: string,
  ) {}

  async application(
    directoryId: string,
    userId: string,
    connectorId: string,
  ): Promise<ApplicationState | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: ledgerKeys.application(directoryId, userId, connectorId),
        // The state decides whether an event is stale or a duplicate: it must be the latest.
        ConsistentRead: true,
      }),
    );
    return Item ? record<ApplicationState>(Item) : undefined;
  }

  putApplication(
    directoryId: string,
    userId: string,
    next: ApplicationState,
    previousVersion: number | undefined,
  ): Promise<boolean> {
    return this.putVersioned(
      { ...ledgerKeys.application(directoryId, userId, next.connectorId), type: TYPES.application },
      { directoryId, userId, ...next },
      previousVersion,
    );
  }

  async appendHistory(directoryId: string, userId: string, entry: HistoryEntry): Promise<boolean> {
    const key = ledgerKeys.history(directoryId, userId, entry);
    return this.putIfAbsent({ ...key, type: TYPES.history }, { directoryId, userId, ...entry });
  }

  async leaver(directoryId: string, userId: string): Promise<LeaverRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: ledgerKeys.leaver(directoryId, userId),
        ConsistentRead: true,
      }),
    );
    return Item ? record<LeaverRecord>(Item) : undefined;
  }

  async putLeaver(
    directoryId: string,
    next: LeaverRecord,
    previousVersion: number | undefined,
  ): Promise<boolean> {
    // Index entries first: if the record write is lost after them, the redelivered event finds
    // the record not yet written and writes it; the reverse order could leave a leaver that no
    // period report finds.
    await this.putIfAbsent(
      { ...ledgerKeys.leaverByTime(directoryId, next.leftAt, next.userId), type: TYPES.leaverByTime },
      { directoryId, userId: next.userId },
    );
    await this.putIfAbsent(
      { ...ledgerKeys.leaverByName(directoryId, next.userName, next.userId), type: TYPES.leaverByName },
      { directoryId, userId: next.userId },
    );
    return this.putVersioned(
      { ...ledgerKeys.leaver(directoryId, next.userId), type: TYPES.leaver },
      { directoryId, ...next },
      previousVersion,
    );
  }

  async userLedger(directoryId: string, userId: string): Promise<UserLedger> {
    const prefix = ledgerKeys.userPrefix(userId);
    const items = await queryPrefix<Record<string, unknown> & Keyed>(
      this.client,
      this.tableName,
      keys.partition(directoryId),
      prefix,
    );
    let leaver: LeaverRecord | undefined;
    const applications: ApplicationState[] = [];
    const history: HistoryEntry[] = [];
    for (const item of items) {
      if (item.type === TYPES.leaver) leaver = record<LeaverRecord>(item);
      else if (item.type === TYPES.application) applications.push(record<ApplicationState>(item));
      else if (item.type === TYPES.history) history.push(record<HistoryEntry>(item));
    }
    history.sort((a, b) => a.at.localeCompare(b.at) || a.attempt - b.attempt);
    applications.sort((a, b) => a.connectorId.localeCompare(b.connectorId));
    return { ...(leaver ? { leaver } : {}), applications, history };
  }

  async leaversBetween(directoryId: string, since: string, until?: string): Promise<string[]> {
    const ids: string[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.partition(directoryId),
            ':from': `${ledgerKeys.leaversPrefix}${since}`,
            // `~` sorts after every character of an ISO time and of the `#` that follows it.
            ':to': `${ledgerKeys.leaversPrefix}${until ?? '~'}`,
          },
          ProjectionExpression: 'userId',
          ConsistentRead: true,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.userId));
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
    return [...new Set(ids)];
  }

  async leaversNamed(directoryId: string, userName: string): Promise<string[]> {
    const items = await queryPrefix<{ userId: string }>(
      this.client,
      this.tableName,
      keys.partition(directoryId),
      ledgerKeys.leaverNamePrefix(userName),
    );
    return items.map((item) => item.userId);
  }

  private async putVersioned(
    key: Keyed,
    fields: Record<string, unknown>,
    previousVersion: number | undefined,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...fields, ...key },
          // Two writers that read the same version cannot both win: the loser re-reads.
          ...(previousVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(sk)' }
            : {
                ConditionExpression: 'version = :previous',
                ExpressionAttributeValues: { ':previous': previousVersion },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async putIfAbsent(key: Keyed, fields: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...fields, ...key },
          // Append-only: an entry that exists is the record; a retried write must not replace it.
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
