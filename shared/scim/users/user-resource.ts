import type { StoredUser } from '../../ports/user-store.ts';
import { etagOf } from '../etag.ts';
import type { ScimRequestContext } from '../request-context.ts';
import type { ScimObject, ScimResource } from '../resource.ts';

/**
 * The full SCIM representation of a stored user: its attributes plus id and meta, and its
 * `groups` entries when given (they are stored as the groups' memberships, not on the user).
 */
export function toScimUser(
  ctx: Pick<ScimRequestContext, 'baseUrl'>,
  stored: StoredUser,
  groups?: readonly ScimObject[],
): ScimResource {
  const { schemas, ...attributes } = stored.resource;
  return {
    schemas,
    id: stored.id,
    ...attributes,
    ...(groups && groups.length > 0 ? { groups: [...groups] } : {}),
    meta: {
      resourceType: 'User',
      created: stored.created,
      lastModified: stored.lastModified,
      location: `${ctx.baseUrl}/Users/${stored.id}`,
      version: etagOf(stored.version),
    },
  };
}
