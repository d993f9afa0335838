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
 * | DIR#{dir}   | COUNT#User#{shard}                   | sharded resource counter (totalResults)       |
 * | DIR#{dir}   | PAGE#{query}#{pad12(startIndex)}     | paging bookmark (transient, TTL)             |
 * | DIR#{dir}   | RATE#{epochSecond}                   | request count of one second (transient, TTL) |
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
