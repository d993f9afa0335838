/**
 * The fewest DynamoDB calls each operation could take with any single-table design we know of,
 * and why ours takes what it takes. Reasoned bounds, written down so that a change in the store
 * that adds a call shows up beside a number that says it should not.
 */
import type { OperationKey } from './scenarios.ts';

export interface Minimum {
  readonly label: string;
  /** Fewest calls; a string where it depends on the case (e.g. first page vs later pages). */
  readonly calls: string;
  readonly note: string;
}

export const minimums: Record<OperationKey, Minimum> = {
  create: {
    label: 'create (POST /Users)',
    calls: '1',
    note:
      'Same count. One transaction writes user, userName claim, externalId and email index entries and a ' +
      'counter shard: transactional writes cost 2× and every item rounds up to 1 KB, the price of ' +
      'atomic uniqueness (a GSI cannot enforce it) and strongly consistent look-ups.',
  },
  get: { label: 'get (GET /Users/{id})', calls: '1', note: 'Same.' },
  filterUserName: {
    label: 'filter `userName eq`',
    calls: '1',
    note:
      'Ours is claim GetItem + user BatchGetItem, strongly consistent. A GSI on userName would be 1 Query ' +
      'but eventually consistent (an IdP reads right after it writes); a copy of the user in the claim ' +
      'would be 1 call but double every write.',
  },
  filterExternalId: {
    label: 'filter `externalId eq`',
    calls: '1',
    note: 'Ours is index-entry Query + user BatchGetItem; the same trade-off as userName against a GSI.',
  },
  listPage: {
    label: 'list page (count=100, sequential)',
    calls: '2 (page 1) / 3',
    note:
      'Ours: counter Query + nearest-bookmark Query of 1 item (not on page 1) + users Query + next bookmark PutItem. ' +
      'The counter read is the extra call: it could share a BatchGetItem with the bookmark (but that ' +
      'charges 1 RCU per shard, 8, where the Query charges 1 for all), or sort just before the users ' +
      'so that page 1 reads it in the same Query.',
  },
  replace: {
    label: 'PUT (replace, identifiers unchanged)',
    calls: '2',
    note:
      'Same count: the current item is needed for the version check and for the claim and index keys ' +
      'to remove.',
  },
  patch: {
    label: 'PATCH (Entra single Replace)',
    calls: '1',
    note:
      'Ours reads then writes (2): the resource is one JSON string and PATCH (value filters, IdP ' +
      'dialects, schema checks) needs the current resource. Native attributes would let an UpdateItem ' +
      'with ReturnValues do a displayName replace in 1 call.',
  },
  delete: {
    label: 'delete (DELETE /Users/{id})',
    calls: '2',
    note:
      'Same count: the claim and index-entry keys come from the user’s values, which a DELETE does ' +
      'not carry. The tombstone (the leaver’s evidence) adds a user-sized write.',
  },
  filterScan: {
    label: 'filter `name.givenName sw "A"` (no index)',
    calls: '⌈directory bytes / 1 MB⌉',
    note:
      'Same: every user is read, 1 MB per Query page, 1 RCU per 4 KB. Bounded by maxFilterScan ' +
      '(25,000 users), past which the service answers 400 tooMany.',
  },
};
