/**
 * The one definition of the directory table: keys, stream and TTL. The CDK construct and the
 * local runtime both build the table from this object, so the two cannot drift.
 *
 * Single-table layout, every item of a directory under one partition key (the directory records
 * themselves share a registry partition, so listing them is one Query):
 *
 * | pk          | sk                                   | what                                         |
 * |-------------|--------------------------------------|----------------------------------------------|
 * | DIRECTORIES | DIR#{dir}                            | the directory record (name, OAuth settings)  |
 * | DIRECTORIES | CURSOR_KEY                           | the key that signs paging cursors            |
 * | DIR#{dir}   | TOKEN#{sha256(token)}                | a bearer token, stored only as its hash      |
 * | DIR#{dir}   | USER#{id}                            | a user (SCIM JSON, version, timestamps)      |
 * | DIR#{dir}   | UNIQUE#userName#{key(lower(userName))} | claims the userName (transactional uniqueness) |
 * | DIR#{dir}   | IDX#{attr}#{key(value)}#{id}         | index entry for externalId and emails.value  |
 * | DIR#{dir}   | COUNT#User#{shard}, COUNT#Group#{shard} | sharded resource counter: totalResults (`n`) and the list's generation (`changes`) |
 * | DIR#{dir}   | TOMBSTONE#USER#{id}                  | a deleted user: what, when, by whom, its groups |
 * | DIR#{dir}   | GROUP#{id}                           | a group (SCIM JSON without members, version) |
 * | DIR#{dir}   | UNIQUE#Group#displayName#{key(lower(name))} | claims the displayName; answers `displayName eq` |
 * | DIR#{dir}   | IDX#Group#externalId#{key(value)}#{id} | index entry for a group's externalId       |
 * | DIR#{dir}   | MEMBER#{key(group)}#{key(user)}      | a membership, seen from the group            |
 * | DIR#{dir}   | MEMBEROF#{key(user)}#{key(group)}    | the same membership, seen from the user      |
 * | DIR#{dir}   | MEMBERCOUNT#{key(group)}#{shard}     | sharded member count of a group              |
 * | DIR#{dir}   | MEMBERSHIP#{key(group)}#{version}#{added/removed}#{part} | one part of a membership change, for the stream (TTL 7 days) |
 * | DIR#{dir}   | TOMBSTONE#GROUP#{id}                 | a deleted group: what, when, by whom         |
 * | DIR#{dir}   | PAGE#{query}#{pad12(generation)}#{pad12(startIndex)} | paging bookmark, valid in its generation (transient, TTL) |
 * | RATE#{dir}  | RATE#{epochSecond}                   | request count of one second (transient, TTL); a partition apart from tokens |
 *
 * The revocation ledger is not here: it has a table of its own ({@link evidenceTable}).
 *
 * Index entries live in the base table and are written in the same transaction as the user or
 * group, so look-ups are strongly consistent and need no GSI. The two membership items, the
 * member counter and the MembershipChange item are written in one transaction too, so a group of
 * any size changes by O(members changed) and its count is exact.
 */
export const directoryTable = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  /** Transient items (paging bookmarks, rate windows, membership changes) carry this epoch-seconds attribute. */
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  billingMode: 'PAY_PER_REQUEST',
} as const;

/**
 * The one definition of the evidence table: the revocation ledger, apart from the directory so
 * that the functions that write it (connectors, which hold vendor credentials, and the evidence
 * recorder) have no write permission on the directory at all, and so cannot mint a token,
 * change a user or overwrite anything but evidence. Same key names as the directory table:
 *
 * | pk          | sk                                   | what                                         |
 * |-------------|--------------------------------------|----------------------------------------------|
 * | DIR#{dir}   | LEDGER#{user}#APP#{connector}        | revocation ledger: one application's current state for the user |
 * | DIR#{dir}   | LEDGER#{user}#HIST#{connector}#{seq}#{eventId}#{attempt}#{kind} | ledger history entry (append-only) |
 * | DIR#{dir}   | LEDGER#{user}#LEAVER                 | the leaver: deactivated/deleted/reactivated times |
 * | DIR#{dir}   | LEAVERS#{iso time}#{user}            | leavers by time (period reports)              |
 * | DIR#{dir}   | LEAVERNAME#{key(lower(userName))}#{user} | leavers by userName (kept after a delete)  |
 *
 * The ledger (shared/adapters/dynamodb/revocation-ledger.ts) is written by the connector runtime
 * (application states and history) and by the evidence recorder (leavers, and the applications
 * expected to act for each). History items are only ever created with `attribute_not_exists`;
 * states and leaver records only replaced with a condition on the `version` that was read.
 * Nothing of the ledger expires, so the table has no TTL; nothing consumes its changes, so it has
 * no stream.
 */
export const evidenceTable = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  billingMode: 'PAY_PER_REQUEST',
} as const;

/** What a table definition may say: keys and billing always, a stream and TTL where the table has them. */
export interface TableDefinition {
  readonly partitionKey: { readonly name: string; readonly type: 'S' | 'N' | 'B' };
  readonly sortKey: { readonly name: string; readonly type: 'S' | 'N' | 'B' };
  readonly billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  readonly stream?: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'KEYS_ONLY';
  readonly timeToLiveAttribute?: string;
}

export type DirectoryTableDefinition = typeof directoryTable;
