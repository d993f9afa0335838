import { ScimError } from '../errors.ts';
import type { Filter } from '../filter/ast.ts';

/** The multi-valued attribute that shows a membership: a group's `members`, a user's `groups`. */
export type MembershipAttribute = 'members' | 'groups';

const HINTS: Record<MembershipAttribute, string> = {
  members:
    'Groups are filtered on their members with members[value eq "<user id>"] or members.value eq "<user id>" ' +
    '(combined with other conditions as you like); memberships are looked up by user id, so no other comparison on members is supported.',
  groups:
    'Users are filtered on their groups with groups.value eq "<group id>" or groups[value eq "<group id>"] ' +
    '(combined with other conditions as you like); memberships are looked up by group id, so no other comparison on groups is supported.',
};

/**
 * The ids a filter compares a membership attribute with. Memberships are stored apart from the
 * group and the user, so a candidate is evaluated against a view whose `members` (or `groups`)
 * holds exactly the mentioned ids it has: whether a user is among a group's members costs the
 * same for 10 members as for 100,000. Any other comparison on the attribute (`members.display`,
 * `members pr`, `co`, `ne`) would need every membership and is refused with 400 invalidFilter.
 *
 * @example
 * idsComparedWith(parseFilter('id eq "g1" and members[value eq "u1"]', groupResourceType), 'members') // => ['u1']
 */
export function idsComparedWith(filter: Filter, attribute: MembershipAttribute): string[] {
  const ids = new Set<string>();
  const visit = (node: Filter): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        node.filters.forEach(visit);
        return;
      case 'not':
        visit(node.filter);
        return;
      case 'valuePath':
        visit(node.filter);
        return;
      case 'compare':
        if (node.path.extension || node.path.attribute !== attribute) return;
        if (node.op === 'eq' && node.path.subAttribute === 'value' && typeof node.value === 'string') {
          ids.add(node.value);
          return;
        }
        throw ScimError.badRequest('invalidFilter', HINTS[attribute]);
    }
  };
  visit(filter);
  return [...ids];
}

/**
 * The id when the filter is exactly `groups.value eq "id"` (or `groups[value eq "id"]`, or the
 * same for `members`): "the members of this group", answered from the memberships in their order.
 */
export function onlyIdComparedWith(filter: Filter, attribute: MembershipAttribute): string | undefined {
  const comparison = filter.kind === 'valuePath' ? filter.filter : filter;
  if (
    comparison.kind === 'compare' &&
    comparison.op === 'eq' &&
    !comparison.path.extension &&
    comparison.path.attribute === attribute &&
    comparison.path.subAttribute === 'value' &&
    typeof comparison.value === 'string'
  ) {
    return comparison.value;
  }
  return undefined;
}
