import { createHash } from 'node:crypto';

/**
 * Key builders for the directory table (layout in ./table.ts). Everything that reads or writes
 * the table, including the stream relay, builds keys here.
 */
const pk = (directoryId: string) => `DIR#${directoryId}`;
const DIRECTORIES = 'DIRECTORIES';

/** Values in sort keys are percent-encoded (so `#` cannot fake a boundary) and long ones hashed (sort keys stop at 1 KB). */
export function keyValue(value: string): string {
  const encoded = encodeURIComponent(value);
  return encoded.length <= 400 ? encoded : `~sha256~${createHash('sha256').update(value).digest('hex')}`;
}

export const keys = {
  partition: pk,
  /**
   * Directory records share one registry partition, so listing the directories is one Query and
   * never a Scan of everybody's users.
   */
  directory: (directoryId: string) => ({ pk: DIRECTORIES, sk: `DIR#${directoryId}` }),
  directoriesPartition: DIRECTORIES,
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
  /** Requests of a directory in one second (per-directory throttling), removed by TTL. */
  rateWindow: (directoryId: string, epochSecond: number) => ({
    pk: pk(directoryId),
    sk: `RATE#${epochSecond}`,
  }),
  pageBookmark: (directoryId: string, query: string, startIndex: number) => ({
    pk: pk(directoryId),
    sk: `PAGE#${query}#${startIndex}`,
  }),
} as const;

/** Attributes answered from index entries, with the case rule each follows. */
export type IndexedAttribute = 'externalId' | 'emails.value';

function normaliseIndexValue(attribute: IndexedAttribute, value: string): string {
  // externalId is caseExact (RFC 7643 §3.1); email addresses are not.
  return attribute === 'externalId' ? value : value.toLowerCase();
}

/** Counter updates are spread over shards so that parallel creates do not contend on one item. */
export const COUNTER_SHARDS = 8;

/**
 * Keys of the revocation ledger (layout in ./table.ts). Everything the ledger holds about one user
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
  /** Leavers by userName (case-insensitive): a deleted user's userName claim is gone, this one stays. */
  leaverNamePrefix: (userName: string) => `LEAVERNAME#${keyValue(userName.toLowerCase())}#`,
  leaverByName: (directoryId: string, userName: string, userId: string) => ({
    pk: pk(directoryId),
    sk: `${ledgerKeys.leaverNamePrefix(userName)}${keyValue(userId)}`,
  }),
} as const;
