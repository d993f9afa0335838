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
 * | DIR#{dir}   | TOKEN#{sha256(token)}                | a bearer token, stored only as its hash      |
 * | DIR#{dir}   | USER#{id}                            | a user (SCIM JSON, version, timestamps)      |
 * | DIR#{dir}   | UNIQUE#userName#{key(lower(userName))} | claims the userName (transactional uniqueness) |
 * | DIR#{dir}   | IDX#{attr}#{key(value)}#{id}         | index entry for externalId and emails.value  |
 * | DIR#{dir}   | COUNT#User#{shard}                   | sharded resource counter (totalResults)       |
 * | DIR#{dir}   | PAGE#{query}#{startIndex}            | paging bookmark (transient, TTL)             |
 * | DIR#{dir}   | RATE#{epochSecond}                   | request count of one second (transient, TTL) |
 * | DIR#{dir}   | LEDGER#{user}#APP#{connector}        | revocation ledger: one application's current state for the user |
 * | DIR#{dir}   | LEDGER#{user}#HIST#{connector}#{seq}#{eventId}#{attempt}#{kind} | ledger history entry (append-only) |
 * | DIR#{dir}   | LEDGER#{user}#LEAVER                 | the leaver: deactivated/deleted/reactivated times |
 * | DIR#{dir}   | LEAVERS#{iso time}#{user}            | leavers by time (period reports)              |
 * | DIR#{dir}   | LEAVERNAME#{key(lower(userName))}#{user} | leavers by userName (kept after a delete)  |
 *
 * The revocation ledger (shared/adapters/dynamodb/revocation-ledger.ts) is written by the connector
 * runtime (application states and history) and by the evidence recorder (leavers, and the
 * applications expected to act for each). History items are only ever created with
 * `attribute_not_exists`; states and leaver records only replaced with a condition on the
 * `version` that was read. Nothing of the ledger expires.
 *
 * Index entries live in the base table and are written in the same transaction as the user, so
 * look-ups are strongly consistent and need no GSI.
 */
export const directoryTable = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  /** Transient items (paging bookmarks, rate windows) carry this epoch-seconds attribute. */
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  billingMode: 'PAY_PER_REQUEST',
} as const;

export type DirectoryTableDefinition = typeof directoryTable;
