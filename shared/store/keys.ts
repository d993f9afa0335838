import { createHash } from 'node:crypto';

/**
 * Key builders for the directory table (layout in ./table.ts). Everything that reads or writes
 * the table, including the stream relay, builds keys here.
 */
const pk = (directoryId: string) => `DIR#${directoryId}`;
const DIRECTORIES = 'DIRECTORIES';
const RATE_PARTITION_PREFIX = 'RATE#';

/**
 * What authenticating a request writes, and nothing more: a token's last use (in the directory's
 * partition) and the directory's rate window (in its own partition). The `authenticate` table
 * access (cdk/lib/constructs/bind-table.ts) allows UpdateItem only on these partitions and
 * attributes, so a function that only authenticates cannot touch `revokedAt` or a token's
 * `expiresAt` (un-revoking or extending a token). The adapters write exactly these names.
 */
export const authenticationWrites = {
  tokenLastUse: { partitionPrefix: 'DIR#', attributes: ['lastUsedAt'], returnValues: ['NONE'] },
  rateWindow: {
    partitionPrefix: RATE_PARTITION_PREFIX,
    attributes: ['requests', 'expiresAt'],
    returnValues: ['NONE', 'UPDATED_NEW'],
  },
} as const;

/** DynamoDB's limits on a key's parts, in UTF-8 bytes. */
export const MAX_PARTITION_KEY_BYTES = 2048;
export const MAX_SORT_KEY_BYTES = 1024;

/**
 * Values in sort keys are percent-encoded (so `#` cannot fake a boundary) and long ones hashed
 * (sort keys stop at 1 KB). Total over every string: ill-formed UTF-16 (a lone surrogate, which
 * request bodies are refused for, see shared/scim/json-body.ts) is hashed from its code units, so
 * it neither throws nor meets the key of the well-formed text it would be repaired to.
 *
 * @example
 * keyValue('Ada Lovelace') // 'Ada%20Lovelace'
 * keyValue('x\ud800')      // '~utf16-sha256~…'
 */
export function keyValue(value: string): string {
  if (!value.isWellFormed())
    return `~utf16-sha256~${createHash('sha256').update(Buffer.from(value, 'utf16le')).digest('hex')}`;
  const encoded = encodeURIComponent(value);
  return encoded.length <= 400 ? encoded : `~sha256~${createHash('sha256').update(value).digest('hex')}`;
}

/**
 * Whether DynamoDB can take this key: well-formed text within the size limits. A client's id
 * goes into keys unencoded (ids are ours, so a stored one always fits), which makes this the
 * guard for ids from paths, filters and Bulk: one that is not keyable names no resource (404).
 *
 * @example
 * isKeyable(keys.user('default', 'a'.repeat(2000))) // false
 */
export function isKeyable(key: { readonly pk: string; readonly sk: string }): boolean {
  return (
    key.pk.isWellFormed() &&
    key.sk.isWellFormed() &&
    Buffer.byteLength(key.pk, 'utf8') <= MAX_PARTITION_KEY_BYTES &&
    Buffer.byteLength(key.sk, 'utf8') <= MAX_SORT_KEY_BYTES
  );
}

export const keys = {
  partition: pk,
  /**
   * Directory records share one registry partition, so listing the directories is one Query and
   * never a Scan of everybody's users.
   */
  directory: (directoryId: string) => ({ pk: DIRECTORIES, sk: `DIR#${directoryId}` }),
  directoriesPartition: DIRECTORIES,
  /**
   * The deployment's cursor signing key (docs/paging.md): in the registry partition, outside every
   * directory, so deleting a directory leaves it and no directory's credential can reach it.
   */
  cursorKey: { pk: DIRECTORIES, sk: 'CURSOR_KEY' },
  directoryPrefix: 'DIR#',
  token: (directoryId: string, tokenHash: string) => ({ pk: pk(directoryId), sk: `TOKEN#${tokenHash}` }),
  tokenPrefix: 'TOKEN#',
  user: (directoryId: string, id: string) => ({ pk: pk(directoryId), sk: `USER#${id}` }),
  userPrefix: 'USER#',
  /** Written when a user is deleted: who deleted it and when, kept for the evidence trail. */
  userTombstone: (directoryId: string, id: string) => ({ pk: pk(directoryId), sk: `TOMBSTONE#USER#${id}` }),
  /** userName is unique per directory and case-insensitive (RFC 7643 caseExact false). */
  userNameClaim: (directoryId: string, userName: string) => ({
    pk: pk(directoryId),
    sk: `UNIQUE#userName#${keyValue(userName.toLowerCase())}`,
  }),
  indexPrefix: (attribute: IndexedAttribute, value: string) =>
    `IDX#${attribute}#${keyValue(normaliseIndexValue(attribute, value))}#`,
  indexEntry: (directoryId: string, attribute: IndexedAttribute, value: string, id: string) => ({
    pk: pk(directoryId),
    sk: `${keys.indexPrefix(attribute, value)}${id}`,
  }),
  counterPrefix: (resourceType: string) => `COUNT#${resourceType}#`,
  counterShard: (directoryId: string, resourceType: string, shard: number) => ({
    pk: pk(directoryId),
    sk: `COUNT#${resourceType}#${shard}`,
  }),
  /**
   * Requests of a directory in one second (per-directory throttling), removed by TTL. In a
   * partition of its own (`RATE#{dir}`, not `DIR#{dir}`), so that an IAM `dynamodb:LeadingKeys`
   * condition can let a function count requests without letting it update a token.
   */
  rateWindow: (directoryId: string, epochSecond: number) => ({
    pk: `${RATE_PARTITION_PREFIX}${directoryId}`,
    sk: `RATE#${epochSecond}`,
  }),
  group: (directoryId: string, id: string) => ({ pk: pk(directoryId), sk: `GROUP#${id}` }),
  groupPrefix: 'GROUP#',
  /** Written when a group is deleted: what was deleted, when, by which credential. */
  groupTombstone: (directoryId: string, id: string) => ({ pk: pk(directoryId), sk: `TOMBSTONE#GROUP#${id}` }),
  /**
   * displayName is unique per directory and case-insensitive for groups (IdPs match groups on it),
   * so its claim also answers `displayName eq` with one GetItem.
   */
  groupDisplayNameClaim: (directoryId: string, displayName: string) => ({
    pk: pk(directoryId),
    sk: `UNIQUE#Group#displayName#${keyValue(displayName.toLowerCase())}`,
  }),
  /** Group index entries live under their own prefix, apart from the users' `IDX#externalId#…`. */
  groupIndexPrefix: (attribute: GroupIndexedAttribute, value: string) =>
    `IDX#Group#${attribute}#${keyValue(value)}#`,
  groupIndexEntry: (directoryId: string, attribute: GroupIndexedAttribute, value: string, id: string) => ({
    pk: pk(directoryId),
    sk: `${keys.groupIndexPrefix(attribute, value)}${id}`,
  }),
  /** One item per (group, member): a group's members are a Query, a membership check a GetItem. */
  memberPrefix: (groupId: string) => `MEMBER#${keyValue(groupId)}#`,
  member: (directoryId: string, groupId: string, userId: string) => ({
    pk: pk(directoryId),
    sk: `${keys.memberPrefix(groupId)}${keyValue(userId)}`,
  }),
  /** The same membership seen from the user: a user's groups are a Query. */
  membershipPrefix: (userId: string) => `MEMBEROF#${keyValue(userId)}#`,
  membership: (directoryId: string, userId: string, groupId: string) => ({
    pk: pk(directoryId),
    sk: `${keys.membershipPrefix(userId)}${keyValue(groupId)}`,
  }),
  /** Sharded count of a group's members, updated in the transactions that write the member items. */
  memberCounterPrefix: (groupId: string) => `MEMBERCOUNT#${keyValue(groupId)}#`,
  memberCounterShard: (directoryId: string, groupId: string, shard: number) => ({
    pk: pk(directoryId),
    sk: `${keys.memberCounterPrefix(groupId)}${shard}`,
  }),
  /**
   * One part of a membership change of a group version, for the stream relay (removed by TTL).
   * The version is zero-padded so a group's changes sort in the order they were made.
   */
  membershipChangePrefix: (groupId: string) => `MEMBERSHIP#${keyValue(groupId)}#`,
  membershipChange: (
    directoryId: string,
    groupId: string,
    version: number,
    kind: 'added' | 'removed',
    part: number,
  ) => ({
    pk: pk(directoryId),
    sk: `${keys.membershipChangePrefix(groupId)}${String(version).padStart(12, '0')}#${kind}#${String(part).padStart(5, '0')}`,
  }),
  /**
   * A bookmark holds its place in one generation of the list (shared/adapters/dynamodb/resource-counter.ts):
   * once a resource is created or deleted, the current generation's prefix no longer finds it.
   */
  pageBookmark: (directoryId: string, query: string, generation: number, startIndex: number) => ({
    pk: pk(directoryId),
    sk: `${keys.pageBookmarkPrefix(query, generation)}${String(startIndex).padStart(BOOKMARK_DIGITS, '0')}`,
  }),
  /**
   * Bookmarks sort by generation, then position (both zero-padded), so the nearest one before a
   * position in the current generation is one Query. Without a generation: every bookmark of the query.
   */
  pageBookmarkPrefix: (query: string, generation?: number) =>
    generation === undefined
      ? `PAGE#${query}#`
      : `PAGE#${query}#${String(generation).padStart(BOOKMARK_DIGITS, '0')}#`,
} as const;

/** Group attributes answered from index entries (displayName is answered by its claim). externalId is caseExact. */
export type GroupIndexedAttribute = 'externalId';

/** Attributes answered from index entries, with the case rule each follows. */
export type IndexedAttribute = 'externalId' | 'emails.value';

function normaliseIndexValue(attribute: IndexedAttribute, value: string): string {
  // externalId is caseExact (RFC 7643 §3.1); email addresses are not.
  return attribute === 'externalId' ? value : value.toLowerCase();
}

/** Digits of a bookmark's generation and position in its sort key: values up to 10^12 sort numerically. */
const BOOKMARK_DIGITS = 12;

/** Counter updates are spread over shards so that parallel creates do not contend on one item. */
export const COUNTER_SHARDS = 8;

/**
 * Keys of the revocation ledger, in the evidence table (layout in ./table.ts, `evidenceTable`). Everything the ledger holds about one user
 * shares the prefix `LEDGER#{userId}#`, so "show me this leaver" is one Query; the leavers of a
 * period are one range Query of `LEAVERS#{time}#…`.
 */
export const ledgerKeys = {
  /** Every ledger item of one user: application states, history, the leaver record. */
  userPrefix: (userId: string) => `LEDGER#${keyValue(userId)}#`,
  /** The current state of one application for one user (conditional writes on `version`). */
  application: (directoryId: string, userId: string, connectorId: string) => ({
    pk: pk(directoryId),
    sk: `${ledgerKeys.userPrefix(userId)}APP#${keyValue(connectorId)}`,
  }),
  applicationMarker: 'APP#',
  /**
   * One history entry, append-only. The key is made of what the entry is (event, attempt, kind),
   * never of the time it was written, so a retried write finds its own entry and does not add a second.
   */
  history: (
    directoryId: string,
    userId: string,
    entry: { connectorId: string; sequence: number; eventId: string; attempt: number; kind: string },
  ) => ({
    pk: pk(directoryId),
    sk: `${ledgerKeys.userPrefix(userId)}HIST#${keyValue(entry.connectorId)}#${String(entry.sequence).padStart(12, '0')}#${entry.eventId}#${String(entry.attempt).padStart(4, '0')}#${entry.kind}`,
  }),
  historyMarker: 'HIST#',
  /** The leaver: who, when the IdP deactivated or deleted them, and whether they came back. */
  leaver: (directoryId: string, userId: string) => ({
    pk: pk(directoryId),
    sk: `${ledgerKeys.userPrefix(userId)}LEAVER`,
  }),
  /** Leavers by the time their leaving began (ISO 8601 sorts as time): "all leavers since DATE". */
  leaversPrefix: 'LEAVERS#',
  leaverByTime: (directoryId: string, at: string, userId: string) => ({
    pk: pk(directoryId),
    sk: `LEAVERS#${at}#${keyValue(userId)}`,
  }),
  /**
   * The sort-key prefixes of every ledger item: what moved from the directory table to the
   * evidence table (`npm run admin -- evidence-migrate`, docs/deploy.md).
   */
  itemPrefixes: ['LEDGER#', 'LEAVERS#', 'LEAVERNAME#'],
  /** Leavers by userName (case-insensitive): a deleted user's userName claim is gone, this one stays. */
  leaverNamePrefix: (userName: string) => `LEAVERNAME#${keyValue(userName.toLowerCase())}#`,
  leaverByName: (directoryId: string, userName: string, userId: string) => ({
    pk: pk(directoryId),
    sk: `${ledgerKeys.leaverNamePrefix(userName)}${keyValue(userId)}`,
  }),
} as const;
