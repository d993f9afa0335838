/**
 * Sequences for IdPs that document the provisioning task but not the requests it sends
 * (OneLogin, JumpCloud, Google): the plain RFC 7644 requests for that task. They are marked
 * `rfc7644` so that reports and the set-up guides say what is and is not confirmed.
 */
import type { Json, RequestStep, Sequence } from '../sequence.ts';
import {
  createUser,
  deleteGroup,
  deleteUser,
  EMPTY_LIST,
  filter,
  GROUP,
  listOf,
  patchOp,
  plainUser,
  scimError,
} from './common.ts';

export const RFC7644 = 'RFC 7644 §3.3-§3.6 (create, query, PATCH, DELETE)';

/**
 * Assign, update, suspend (active false, still returned), delete: the user lifecycle in RFC 7644
 * requests.
 */
export function userLifecycle(label: string, sources: readonly string[]): Sequence {
  const userName = `${label}-{{run}}@conformance.example`;
  return {
    id: 'user-lifecycle',
    title: 'Lifecycle in RFC 7644 requests: look up, create, update, suspend (still returned), delete',
    evidence: 'rfc7644',
    sources: [...sources, RFC7644],
    steps: [
      {
        name: 'GET /Users?filter=userName eq "…": nobody yet',
        request: { method: 'GET', path: '/Users', query: filter(`userName eq "${userName}"`) },
        expect: { status: 200, body: EMPTY_LIST },
      },
      createUser('POST /Users', plainUser(label), 'userId'),
      {
        name: 'PATCH: replace name.familyName and title',
        request: {
          method: 'PATCH',
          path: '/Users/{{userId}}',
          body: patchOp(
            { op: 'replace', path: 'name.familyName', value: 'Renamed' },
            { op: 'replace', path: 'title', value: 'Engineer' },
          ),
        },
        expect: { status: [200, 204] },
      },
      {
        name: 'PATCH: replace active false (suspend)',
        request: {
          method: 'PATCH',
          path: '/Users/{{userId}}',
          body: patchOp({ op: 'replace', path: 'active', value: false }),
        },
        expect: { status: [200, 204] },
      },
      {
        name: 'GET /Users?filter=userName eq "…": still returned, updated and inactive',
        request: { method: 'GET', path: '/Users', query: filter(`userName eq "${userName}"`) },
        expect: {
          status: 200,
          body: listOf('{{userId}}', { active: false, title: 'Engineer', name: { familyName: 'Renamed' } }),
        },
      },
      {
        name: 'DELETE /Users/{id}',
        request: { method: 'DELETE', path: '/Users/{{userId}}' },
        expect: { status: 204 },
      },
      {
        name: 'GET /Users/{id}: 404',
        request: { method: 'GET', path: '/Users/{{userId}}' },
        expect: { status: 404, body: scimError(404) },
      },
    ],
    cleanup: [deleteUser('userId')],
  };
}

/** POST /Groups with no members, capturing the id as `groupId`. */
export function createGroup(label: string, body: Json = {}): RequestStep {
  return {
    name: `POST /Groups (${label})`,
    request: {
      method: 'POST',
      path: '/Groups',
      body: { schemas: [GROUP], displayName: `${label} {{run}}`, ...(body as object) },
    },
    expect: { status: 201, body: { id: { $type: 'string' }, displayName: `${label} {{run}}` } },
    capture: { groupId: 'id' },
  };
}

/**
 * Two users join a group and one leaves it, with the removal given as `remove`; both directions
 * of the membership (the group's members, the user's groups) are checked.
 */
export function groupMembership(
  evidence: Sequence['evidence'],
  sources: readonly string[],
  remove: Json,
  title: string,
): Sequence {
  return {
    id: 'group-membership',
    title,
    evidence,
    sources,
    steps: [
      createUser('POST /Users (first member)', plainUser('member1'), 'u1'),
      createUser('POST /Users (second member)', plainUser('member2'), 'u2'),
      createGroup('Team'),
      {
        name: 'PATCH: add members [u1, u2]',
        request: {
          method: 'PATCH',
          path: '/Groups/{{groupId}}',
          body: patchOp({ op: 'add', path: 'members', value: [{ value: '{{u1}}' }, { value: '{{u2}}' }] }),
        },
        expect: { status: [200, 204] },
      },
      {
        name: 'GET /Groups/{id}: u1 is a member',
        request: { method: 'GET', path: '/Groups/{{groupId}}' },
        expect: { status: 200, body: { members: { $contains: { value: '{{u1}}' } } } },
      },
      {
        name: "GET /Users/{u2}: the group is among u2's groups",
        request: { method: 'GET', path: '/Users/{{u2}}' },
        expect: { status: 200, body: { groups: { $contains: { value: '{{groupId}}' } } } },
      },
      {
        name: 'PATCH: remove u1',
        request: { method: 'PATCH', path: '/Groups/{{groupId}}', body: patchOp(remove) },
        expect: { status: [200, 204] },
      },
      {
        name: 'GET /Groups/{id}: u1 left',
        request: { method: 'GET', path: '/Groups/{{groupId}}' },
        expect: { status: 200, body: { members: { $notContains: { value: '{{u1}}' } } } },
      },
      {
        name: 'GET /Groups/{id}: u2 stayed',
        request: { method: 'GET', path: '/Groups/{{groupId}}' },
        expect: { status: 200, body: { members: { $contains: { value: '{{u2}}' } } } },
      },
    ],
    cleanup: [deleteGroup('groupId'), deleteUser('u1'), deleteUser('u2')],
  };
}
