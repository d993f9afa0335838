/**
 * Okta provisioning, as Okta documents it:
 * - REFERENCE: developer.okta.com/docs/reference/scim/scim-20 (okta/okta-developer-docs
 *   packages/@okta/vuepress-site/docs/reference/scim/scim-20/index.md)
 * - SPEC: the Okta SCIM 2.0 SPEC test suite for Runscope,
 *   developer.okta.com/standards/SCIM/SCIMFiles/Okta-SCIM-20-SPEC-Test.json
 * - CRUD: the second Runscope suite, "Test your Okta integration" (create, update firstName,
 *   deactivate, reactivate, unassign → deactivated)
 *
 * Okta never sends DELETE for users, so these sequences clean up by deactivating, as Okta leaves
 * a leaver.
 */
import type { IdpConformance, Json, Matcher, Precondition, RequestStep, Sequence } from '../sequence.ts';
import {
  createUser,
  deactivateUser,
  deleteGroup,
  EMPTY_LIST,
  ERROR,
  filter,
  GROUP,
  LIST_RESPONSE,
  listOf,
  patchOp,
  scimError,
  USER,
  wrongToken,
} from './common.ts';

const REFERENCE = 'Okta developer docs: SCIM 2.0 Protocol Reference';
const SPEC = 'Okta-SCIM-20-SPEC-Test.json (Okta SCIM 2.0 SPEC test suite for Runscope)';
const CRUD = 'Okta developer docs: Test your Okta SCIM integration (Runscope CRUD suite)';

/** Every Okta request carries this User-Agent (REFERENCE). */
const OKTA = { 'User-Agent': 'Okta SCIM Client 1.0.0' };

/** The create body of REFERENCE: password, `groups: []`, externalId and locale included. */
function oktaUser(label: string): Json {
  const login = `${label}-{{run}}@okta.example`;
  return {
    schemas: [USER],
    userName: login,
    name: { givenName: 'Test', familyName: 'User' },
    emails: [{ primary: true, value: login, type: 'work' }],
    displayName: 'Test User',
    locale: 'en-US',
    externalId: '00u{{run}}',
    groups: [],
    password: '1mz050nq',
    active: true,
  };
}

const get = (
  name: string,
  path: string,
  body: Matcher,
  status = 200,
  query?: Record<string, string>,
): RequestStep => ({
  name,
  request: { method: 'GET', path, headers: OKTA, ...(query ? { query } : {}) },
  expect: { status, body },
});

const create = (label: string, variable: string): RequestStep =>
  createUser(`POST /Users (${label})`, oktaUser(label), variable, { headers: OKTA });

const deactivate = (variable: string) => deactivateUser(variable, OKTA);

// ---------------------------------------------------------------------------------------------
// The SPEC suite's required tests, in its order. It expects at least one user with a name, a
// userName, active and an email to exist already, so each sequence starts by creating one.
// ---------------------------------------------------------------------------------------------

/** The SPEC test reads whichever user the directory lists first: on a live directory, not ours. */
const FIRST_USER_COMPLETE: Precondition = {
  needs:
    'Okta’s SPEC test reads the first user that GET /Users?count=1 lists and needs it to have name.givenName, name.familyName, userName, active and an email',
  remedy:
    'give that user a name and an email, or run scim-check in a directory of its own (npm run admin -- directory create okta-check, then token mint okta-check --conformance)',
  unlessSame: ['firstId', 'fixtureId'],
};

const specListAndRead: Sequence = {
  id: 'spec-users-endpoint',
  title: 'SPEC "Test Users endpoint" and "Get Users/{{id}}": count=1 lists a complete user, read back by id',
  evidence: 'documented',
  sources: [SPEC],
  steps: [
    create('fixture', 'fixtureId'),
    {
      name: 'GET /Users?count=1&startIndex=1',
      request: { method: 'GET', path: '/Users?count=1&startIndex=1', headers: OKTA },
      expect: {
        status: 200,
        body: {
          schemas: { $contains: LIST_RESPONSE },
          Resources: { $present: true },
          itemsPerPage: { $type: 'integer' },
          startIndex: { $type: 'integer' },
          totalResults: { $type: 'integer' },
        },
      },
      capture: { firstId: 'Resources.0.id' },
    },
    {
      precondition: FIRST_USER_COMPLETE,
      name: 'GET /Users?count=1&startIndex=1: the user has id, name, userName, active and an email',
      request: { method: 'GET', path: '/Users?count=1&startIndex=1', headers: OKTA },
      expect: {
        status: 200,
        body: {
          Resources: {
            0: {
              id: { $present: true },
              name: { familyName: { $present: true }, givenName: { $present: true } },
              userName: { $present: true },
              active: { $type: 'boolean' },
              emails: { 0: { value: { $present: true } } },
            },
          },
        },
      },
    },
    {
      ...get('GET /Users/{first id}', '/Users/{{firstId}}', {
        id: '{{firstId}}',
        name: { familyName: { $present: true }, givenName: { $present: true } },
        userName: { $present: true },
        active: { $type: 'boolean' },
        emails: { 0: { value: { $present: true } } },
      }),
      precondition: FIRST_USER_COMPLETE,
    },
  ],
  cleanup: [deactivate('fixtureId')],
};

const specUnknown: Sequence = {
  id: 'spec-unknown-user',
  title:
    'SPEC "invalid User by userName" and "by ID": totalResults 0, then 404 with detail and the Error schema',
  evidence: 'documented',
  sources: [SPEC, REFERENCE],
  steps: [
    get(
      'GET /Users?filter=userName eq "{random}"',
      '/Users',
      { schemas: { $contains: LIST_RESPONSE }, totalResults: 0 },
      200,
      filter('userName eq "nobody-{{run}}@okta.example"'),
    ),
    get(
      'GET /Users/{random id}',
      '/Users/{{guid}}',
      { schemas: { $contains: ERROR }, detail: { $present: true } },
      404,
    ),
  ],
};

const specCreate: Sequence = {
  id: 'spec-create-user',
  title: 'SPEC "Create Okta user with realistic values": 201 active, read back, the same POST again is 409',
  evidence: 'documented',
  sources: [SPEC],
  steps: [
    {
      name: 'POST /Users',
      request: {
        method: 'POST',
        path: '/Users',
        headers: OKTA,
        body: {
          schemas: [USER],
          userName: 'spec-{{run}}@okta.example',
          name: { givenName: 'Grace', familyName: 'Hopper' },
          emails: [{ primary: true, value: 'grace-{{run}}@okta.example', type: 'work' }],
          displayName: 'Grace Hopper',
          active: true,
        },
      },
      expect: {
        status: 201,
        body: {
          active: true,
          id: { $present: true },
          name: { familyName: 'Hopper', givenName: 'Grace' },
          schemas: { $contains: USER },
          userName: 'spec-{{run}}@okta.example',
        },
      },
      capture: { userId: 'id' },
    },
    get('GET /Users/{id}: verify the user was created', '/Users/{{userId}}', {
      userName: 'spec-{{run}}@okta.example',
      name: { familyName: 'Hopper', givenName: 'Grace' },
    }),
    {
      name: 'POST /Users again: 409',
      request: {
        method: 'POST',
        path: '/Users',
        headers: OKTA,
        body: { schemas: [USER], userName: 'spec-{{run}}@okta.example', active: true },
      },
      expect: { status: 409, body: scimError(409, 'uniqueness') },
    },
    get(
      'SPEC "Username Case Sensitivity Check": the userName in capitals',
      '/Users',
      listOf('{{userId}}'),
      200,
      filter('userName eq "SPEC-{{RUN}}@OKTA.EXAMPLE"'),
    ),
  ],
  cleanup: [deactivate('userId')],
};

// ---------------------------------------------------------------------------------------------
// The requests of REFERENCE, one task each.
// ---------------------------------------------------------------------------------------------

const createWithPrecheck: Sequence = {
  id: 'create-user',
  title:
    'Assign: filter on userName (startIndex=1&count=100) finds nothing, POST creates and returns the user',
  evidence: 'documented',
  sources: [`${REFERENCE} (Create Users)`],
  steps: [
    get(
      'GET /Users?filter=userName eq "…"&startIndex=1&count=100',
      '/Users?filter=userName%20eq%20%22new-{{run}}%40okta.example%22&startIndex=1&count=100',
      EMPTY_LIST,
    ),
    {
      name: 'POST /Users with password, groups [] and externalId',
      request: { method: 'POST', path: '/Users', headers: OKTA, body: oktaUser('new') },
      expect: {
        status: 201,
        body: {
          id: { $type: 'string' },
          userName: 'new-{{run}}@okta.example',
          externalId: '00u{{run}}',
          locale: 'en-US',
          active: true,
          password: { $absent: true },
        },
      },
      capture: { userId: 'id' },
    },
    get('GET /Users/{id}: found, and no password', '/Users/{{userId}}', {
      id: '{{userId}}',
      password: { $absent: true },
    }),
  ],
  cleanup: [deactivate('userId')],
};

/** The PUT body Okta builds from the GET it just made, with the changed attributes (REFERENCE). */
function putBody(label: string, changes: Record<string, Json>): Json {
  const login = `${label}-{{run}}@okta.example`;
  return {
    schemas: [USER],
    id: '{{userId}}',
    userName: login,
    name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
    emails: [{ primary: true, value: login, type: 'work', display: login }],
    active: true,
    groups: [],
    meta: { resourceType: 'User' },
    ...changes,
  };
}

const updatePut: Sequence = {
  id: 'update-user-put',
  title: 'Profile update (OIN and AIW apps): GET, then PUT of the whole user with the change',
  evidence: 'documented',
  sources: [`${REFERENCE} (Update a specific User (PUT))`, `${CRUD} (updates firstName)`],
  steps: [
    {
      ...create('put', 'userId'),
      capture: { userId: 'id', created: 'meta.created' },
    },
    get('GET /Users/{id}', '/Users/{{userId}}', { id: '{{userId}}', userName: 'put-{{run}}@okta.example' }),
    {
      name: 'PUT /Users/{id} with the new middle name',
      request: { method: 'PUT', path: '/Users/{{userId}}', headers: OKTA, body: putBody('put', {}) },
      expect: {
        status: 200,
        body: {
          id: '{{userId}}',
          name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
          emails: { $contains: { value: 'put-{{run}}@okta.example', display: 'put-{{run}}@okta.example' } },
          active: true,
          meta: { created: '{{created}}' },
        },
      },
    },
    get('GET /Users/{id}: the PUT replaced the profile (locale dropped)', '/Users/{{userId}}', {
      name: { middleName: 'Excited' },
      locale: { $absent: true },
    }),
  ],
  cleanup: [deactivate('userId')],
};

const deactivatePatch: Sequence = {
  id: 'deactivate-user-patch',
  title: 'Deactivate (OIN apps): pathless replace {"active": false}; the user is still returned, inactive',
  evidence: 'documented',
  sources: [`${REFERENCE} (Update a specific User (PATCH))`, `${CRUD} (deactivates the user)`],
  steps: [
    create('leaver', 'userId'),
    {
      name: 'PATCH: replace {"active": false}',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        headers: OKTA,
        body: patchOp({ op: 'replace', value: { active: false } }),
      },
      expect: { status: [200, 204] },
    },
    get('GET /Users/{id}: active false', '/Users/{{userId}}', { active: false }),
    get(
      'filter on userName: still found, inactive',
      '/Users',
      listOf('{{userId}}', { active: false }),
      200,
      filter('userName eq "leaver-{{run}}@okta.example"', { startIndex: '1', count: '100' }),
    ),
  ],
  cleanup: [deactivate('userId')],
};

const reactivatePatch: Sequence = {
  id: 'reactivate-user-patch',
  title: 'Reactivate: pathless replace {"active": true} after a deactivation',
  evidence: 'documented',
  sources: [
    `${REFERENCE} (Update a specific User (PATCH): activating a user)`,
    `${CRUD} (reactivates the user)`,
  ],
  steps: [
    create('returner', 'userId'),
    {
      name: 'PATCH: replace {"active": false}',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        headers: OKTA,
        body: patchOp({ op: 'replace', value: { active: false } }),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'PATCH: replace {"active": true}',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        headers: OKTA,
        body: patchOp({ op: 'replace', value: { active: true } }),
      },
      expect: { status: [200, 204] },
    },
    get('GET /Users/{id}: active true', '/Users/{{userId}}', { active: true }),
  ],
  cleanup: [deactivate('userId')],
};

const deactivatePut: Sequence = {
  id: 'deactivate-user-put',
  title: 'Deactivate (AIW apps): PUT of the whole user with active false',
  evidence: 'documented',
  sources: [`${REFERENCE} (Delete Users: AIW integrations send a PUT)`],
  steps: [
    create('aiw', 'userId'),
    {
      name: 'PUT /Users/{id} with active false',
      request: {
        method: 'PUT',
        path: '/Users/{{userId}}',
        headers: OKTA,
        body: putBody('aiw', { active: false }),
      },
      expect: { status: 200, body: { id: '{{userId}}', active: false } },
    },
    get('GET /Users/{id}: active false', '/Users/{{userId}}', { active: false }),
  ],
  cleanup: [deactivate('userId')],
};

const passwordSync: Sequence = {
  id: 'password-sync',
  title: 'Password sync (OIN apps): a PATCH with the password is accepted; the password is never returned',
  evidence: 'rfc7644',
  sources: [
    `${REFERENCE} (PATCH is used for "syncing the user password"; the request body is not shown)`,
    'RFC 7643 §4.1.1 (password: writeOnly, returned never)',
  ],
  steps: [
    create('sync', 'userId'),
    {
      name: 'PATCH: replace {"password": …}',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        headers: OKTA,
        body: patchOp({ op: 'replace', value: { password: 'n3w-Passw0rd-{{run}}' } }),
      },
      expect: { status: [200, 204] },
    },
    get('GET /Users/{id}: no password', '/Users/{{userId}}', { password: { $absent: true } }),
  ],
  cleanup: [deactivate('userId')],
};

const IMPORTED = ['import1', 'import2', 'import3'];

const importUsers: Sequence = {
  id: 'import-users',
  title:
    'Import: pages of count=100 with integer paging values; the order is the same whatever the page size',
  evidence: 'documented',
  sources: [`${REFERENCE} (Retrieve Users)`],
  steps: [
    ...IMPORTED.map((label) => create(label, `${label}Id`)),
    {
      name: 'GET /Users?startIndex=1&count=100, then 101…',
      walk: {
        path: '/Users',
        count: 100,
        includes: IMPORTED.map((label) => `{{${label}Id}}`),
        captureOrder: 'order100',
      },
    },
    {
      name: 'the same import with count=2: same order',
      walk: { path: '/Users', count: 2, sameOrderAs: 'order100' },
    },
  ],
  cleanup: IMPORTED.map((label) => deactivate(`${label}Id`)),
};

const errors: Sequence = {
  id: 'errors',
  title: 'A bad token gets 401 with the Error schema and status "401"',
  evidence: 'documented',
  sources: [SPEC],
  steps: [wrongToken(OKTA)],
};

// ---------------------------------------------------------------------------------------------
// Group Push (REFERENCE, SCIM Group operations).
// ---------------------------------------------------------------------------------------------

const pushGroup = (label: string): RequestStep => ({
  name: `POST /Groups with members [] (${label})`,
  request: {
    method: 'POST',
    path: '/Groups',
    headers: OKTA,
    body: { schemas: [GROUP], displayName: `${label} {{run}}`, members: [] },
  },
  expect: {
    status: 201,
    body: { id: { $type: 'string' }, displayName: `${label} {{run}}`, members: { $empty: true } },
  },
  capture: { groupId: 'id' },
});

const groupPush: Sequence = {
  id: 'push-group',
  title: 'Group Push: POST with no members, read back by id',
  evidence: 'documented',
  sources: [`${REFERENCE} (Create Groups, Retrieve specific Groups)`],
  steps: [
    pushGroup('Pushed'),
    get('GET /Groups/{id}', '/Groups/{{groupId}}', {
      schemas: { $contains: GROUP },
      id: '{{groupId}}',
      displayName: 'Pushed {{run}}',
    }),
  ],
  cleanup: [deleteGroup('groupId', OKTA)],
};

const membersOf = (...ids: string[]): Json => ids.map((id) => ({ value: `{{${id}}}`, display: `{{${id}}}` }));

const groupMembership: Sequence = {
  id: 'group-membership',
  title: 'Membership: add, the rename PATCH after each change, remove-by-filter mixed with add, full replace',
  evidence: 'documented',
  sources: [`${REFERENCE} (Update specific Group membership, Update a specific Group name)`],
  steps: [
    create('member1', 'u1'),
    create('member2', 'u2'),
    create('member3', 'u3'),
    pushGroup('Members'),
    {
      name: 'PATCH: add members u1, u2 (with display)',
      request: {
        method: 'PATCH',
        path: '/Groups/{{groupId}}',
        headers: OKTA,
        body: patchOp({ op: 'add', path: 'members', value: membersOf('u1', 'u2') }),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'PATCH: the rename Okta sends after a membership change (pathless, id and displayName)',
      request: {
        method: 'PATCH',
        path: '/Groups/{{groupId}}',
        headers: OKTA,
        body: patchOp({ op: 'replace', value: { id: '{{groupId}}', displayName: 'Members {{run}}' } }),
      },
      expect: { status: [200, 204] },
    },
    get('GET /Groups/{id}: u1 is a member', '/Groups/{{groupId}}', {
      displayName: 'Members {{run}}',
      members: { $contains: { value: '{{u1}}' } },
    }),
    get('GET /Groups/{id}: u2 is a member', '/Groups/{{groupId}}', {
      members: { $contains: { value: '{{u2}}' } },
    }),
    {
      name: 'PATCH: remove members[value eq u1] and add u3 in one request',
      request: {
        method: 'PATCH',
        path: '/Groups/{{groupId}}',
        headers: OKTA,
        body: patchOp(
          { op: 'remove', path: 'members[value eq "{{u1}}"]' },
          { op: 'add', path: 'members', value: membersOf('u3') },
        ),
      },
      expect: { status: [200, 204] },
    },
    get('GET /Groups/{id}: u1 left', '/Groups/{{groupId}}', {
      members: { $notContains: { value: '{{u1}}' } },
    }),
    get('GET /Groups/{id}: u3 joined', '/Groups/{{groupId}}', {
      members: { $contains: { value: '{{u3}}' } },
    }),
    {
      name: 'PATCH: replace members with [u1] (a full push)',
      request: {
        method: 'PATCH',
        path: '/Groups/{{groupId}}',
        headers: OKTA,
        body: patchOp({ op: 'replace', path: 'members', value: membersOf('u1') }),
      },
      expect: { status: [200, 204] },
    },
    get('GET /Groups/{id}: only u1', '/Groups/{{groupId}}', {
      members: { $length: 1 },
    }),
    get('GET /Groups/{id}: and it is u1', '/Groups/{{groupId}}', { members: { 0: { value: '{{u1}}' } } }),
  ],
  cleanup: [deleteGroup('groupId', OKTA), deactivate('u1'), deactivate('u2'), deactivate('u3')],
};

const renameUnchanged: Sequence = {
  id: 'group-rename-unchanged',
  title: 'The rename PATCH with an unchanged name changes nothing (no new version, no event)',
  evidence: 'documented',
  sources: [
    `${REFERENCE} ("The group name update operation is triggered each time there is a group membership update")`,
  ],
  steps: [
    { ...pushGroup('Steady'), capture: { groupId: 'id', version: 'meta.version' } },
    {
      name: 'PATCH: replace {id, displayName} with the same name',
      request: {
        method: 'PATCH',
        path: '/Groups/{{groupId}}',
        headers: OKTA,
        body: patchOp({ op: 'replace', value: { id: '{{groupId}}', displayName: 'Steady {{run}}' } }),
      },
      expect: { status: [200, 204] },
    },
    get('GET /Groups/{id}: same version', '/Groups/{{groupId}}', { meta: { version: '{{version}}' } }),
  ],
  cleanup: [deleteGroup('groupId', OKTA)],
};

const importGroups: Sequence = {
  id: 'import-groups',
  title: 'SPEC "Verify Groups endpoint" (within 600 ms) and the group import in pages of count=100',
  evidence: 'documented',
  sources: [SPEC, `${REFERENCE} (Retrieve Groups)`],
  steps: [
    pushGroup('Imported'),
    {
      name: 'GET /Groups within 600 ms',
      request: { method: 'GET', path: '/Groups', headers: OKTA },
      expect: { status: 200, withinMs: 600 },
    },
    {
      name: 'GET /Groups?startIndex=1&count=100, then 101…',
      walk: { path: '/Groups', count: 100, includes: ['{{groupId}}'] },
    },
  ],
  cleanup: [deleteGroup('groupId', OKTA)],
};

const unlinkGroup: Sequence = {
  id: 'unlink-group-delete',
  title: '"Unlink pushed group" with "Delete the group in the target app": DELETE answers 204',
  evidence: 'documented',
  sources: [`${REFERENCE} (Delete a specific Group)`],
  steps: [
    pushGroup('Unlinked'),
    {
      name: 'DELETE /Groups/{id}',
      request: { method: 'DELETE', path: '/Groups/{{groupId}}', headers: OKTA },
      expect: { status: 204 },
    },
    get('GET /Groups/{id}: 404', '/Groups/{{groupId}}', scimError(404), 404),
  ],
  cleanup: [deleteGroup('groupId', OKTA)],
};

export const okta: IdpConformance = {
  id: 'okta',
  name: 'Okta',
  sequences: [
    specListAndRead,
    specUnknown,
    specCreate,
    createWithPrecheck,
    updatePut,
    deactivatePatch,
    reactivatePatch,
    deactivatePut,
    passwordSync,
    importUsers,
    errors,
    groupPush,
    groupMembership,
    renameUnchanged,
    importGroups,
    unlinkGroup,
  ],
};
