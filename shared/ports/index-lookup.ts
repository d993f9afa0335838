/**
 * The lookups a store answers by exact value. The SCIM core plans them from a filter
 * (`shared/scim/filter/plan.ts`); the stores execute them. They live with the ports so that the
 * store ports need nothing from the core.
 */

/** The attributes storage can look up by exact value. Storage applies each attribute's case rule. */
export type IndexName =
  | 'id'
  | 'userName'
  | 'externalId'
  | 'emails.value'
  | 'displayName'
  /** A user's groups: answered from the group memberships, not from the user item. */
  | 'groups.value'
  /** A group's members: the groups a user belongs to. */
  | 'members.value';

export type IndexLookup = { index: IndexName; value: string };
