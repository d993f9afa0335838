/**
 * Microsoft Entra ID provisioning, as Microsoft documents it:
 * - TUTORIAL: learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 *   (MicrosoftDocs/entra-docs docs/identity/app-provisioning/use-scim-to-provision-users-and-groups.md)
 * - COMPAT: application-provisioning-config-problem-scim-compatibility.md (the two PATCH dialects:
 *   the default one and the `aadOptscim062020` tenant-URL flag)
 * - VALIDATOR: the gallery validation Logic App's test list (AzureAD/SCIMReferenceCode,
 *   Microsoft.SCIM.LogicAppValidationTemplate/StandardLogicApp/SCIM-Validation-Test-Overview.md)
 */
import type { IdpConformance, Json, Sequence } from '../sequence.ts';
import {
  createUser,
  deleteGroup,
  deleteUser,
  EMPTY_LIST,
  ENTERPRISE,
  filter,
  GROUP,
  LIST_RESPONSE,
  listOf,
  patchOp,
  plainUser,
  SCIM_JSON,
  scimError,
  USER,
  unknownResource,
  wrongToken,
} from './common.ts';

const TUTORIAL =
  'Microsoft Learn: Tutorial - Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID';
const COMPAT =
  'Microsoft Learn: Known issues and resolutions with SCIM 2.0 protocol compliance (aadOptscim062020)';
const VALIDATOR = 'AzureAD/SCIMReferenceCode: SCIM Validation Logic App test overview (25 tests)';

/** The Microsoft ADSCIM group schema Entra lists in group creates (TUTORIAL, Create Group). */
const ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

/** A user as the default attribute mappings create it (TUTORIAL, Create User; mail → work email). */
function entraUser(label: string): Json {
  const upn = `${label}-{{run}}@contoso.example`;
  return {
    schemas: [USER, ENTERPRISE],
    externalId: `${label}-{{run}}`,
    userName: upn,
    active: true,
    emails: [{ primary: true, type: 'work', value: upn }],
    meta: { resourceType: 'User' },
    name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
    roles: [],
    [ENTERPRISE]: { employeeNumber: '1815', department: 'Analytical Engines' },
  };
}

const byUserName = (upn: string) => filter(`userName eq "${upn}"`);

const testConnection: Sequence = {
  id: 'test-connection',
  title: 'Test Connection: a user filter on a random GUID answers 200 with an empty ListResponse',
  evidence: 'documented',
  sources: [TUTORIAL],
  steps: [
    {
      name: 'GET /Users?filter=userName eq "{random GUID}"',
      request: { method: 'GET', path: '/Users', query: byUserName('{{guid}}') },
      expect: { status: 200, headers: { 'content-type': SCIM_JSON }, body: EMPTY_LIST },
    },
  ],
};

const createUserSequence: Sequence = {
  id: 'create-user',
  title:
    'Create: the matching query finds nothing, POST creates, and the user is found by id, userName, work email and externalId',
  evidence: 'documented',
  sources: [TUTORIAL],
  steps: [
    {
      name: 'query on the matching attribute (userName): nobody yet',
      request: { method: 'GET', path: '/Users', query: byUserName('ada-{{run}}@contoso.example') },
      expect: { status: 200, body: EMPTY_LIST },
    },
    {
      name: 'POST /Users',
      request: { method: 'POST', path: '/Users', body: entraUser('ada') },
      expect: {
        status: 201,
        headers: { 'content-type': SCIM_JSON },
        body: {
          id: { $type: 'string' },
          userName: 'ada-{{run}}@contoso.example',
          externalId: 'ada-{{run}}',
          active: true,
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          emails: { $contains: { type: 'work', value: 'ada-{{run}}@contoso.example', primary: true } },
          [ENTERPRISE]: { employeeNumber: '1815', department: 'Analytical Engines' },
          meta: { resourceType: 'User' },
        },
      },
      capture: { userId: 'id' },
    },
    {
      name: 'GET /Users/{id}',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: {
        status: 200,
        body: { id: '{{userId}}', userName: 'ada-{{run}}@contoso.example', active: true },
      },
    },
    {
      name: 'query by userName',
      request: { method: 'GET', path: '/Users', query: byUserName('ada-{{run}}@contoso.example') },
      expect: { status: 200, body: listOf('{{userId}}') },
    },
    {
      name: 'query by emails[type eq "work"].value (a uniqueness attribute must be usable as a filter)',
      request: {
        method: 'GET',
        path: '/Users',
        query: filter('emails[type eq "work"].value eq "ada-{{run}}@contoso.example"'),
      },
      expect: { status: 200, body: listOf('{{userId}}') },
    },
    {
      name: 'query by externalId',
      request: { method: 'GET', path: '/Users', query: filter('externalId eq "ada-{{run}}"') },
      expect: { status: 200, body: listOf('{{userId}}') },
    },
  ],
  cleanup: [deleteUser('userId')],
};

const createWithNulls: Sequence = {
  id: 'create-user-with-nulls',
  title: 'Create with unmapped attributes sent as null: they are left unassigned',
  evidence: 'documented',
  sources: [`${TUTORIAL} (Example 2. Provision a user)`],
  steps: [
    {
      name: 'POST /Users with null addresses, phoneNumbers, title, manager',
      request: {
        method: 'POST',
        path: '/Users',
        body: {
          schemas: [USER, ENTERPRISE],
          externalId: 'jyoung-{{run}}',
          userName: 'jyoung-{{run}}@testuser.example',
          active: true,
          addresses: null,
          displayName: 'Joy Young',
          emails: [{ type: 'work', value: 'jyoung-{{run}}@Contoso.example', primary: true }],
          meta: { resourceType: 'User' },
          name: { familyName: 'Young', givenName: 'Joy' },
          phoneNumbers: null,
          preferredLanguage: null,
          title: null,
          department: null,
          manager: null,
        },
      },
      expect: {
        status: 201,
        body: {
          userName: 'jyoung-{{run}}@testuser.example',
          displayName: 'Joy Young',
          emails: { $contains: { value: 'jyoung-{{run}}@Contoso.example' } },
          title: { $absent: true },
          phoneNumbers: { $absent: true },
          addresses: { $absent: true },
        },
      },
      capture: { userId: 'id' },
    },
  ],
  cleanup: [deleteUser('userId')],
};

const duplicateUser: Sequence = {
  id: 'duplicate-user',
  title: 'A second create with the same userName is refused with 409 uniqueness and the Error schema',
  evidence: 'documented',
  sources: [TUTORIAL, 'RFC 7644 §3.3'],
  steps: [
    createUser('POST /Users', entraUser('twin'), 'userId'),
    {
      name: 'POST /Users again with the same userName',
      request: { method: 'POST', path: '/Users', body: entraUser('twin') },
      expect: { status: 409, headers: { 'content-type': SCIM_JSON }, body: scimError(409, 'uniqueness') },
    },
  ],
  cleanup: [deleteUser('userId')],
};

const updateDefault: Sequence = {
  id: 'update-user-default-dialect',
  title: 'Update without the flag: capitalised ops, one op per path, Add for a single-valued string',
  evidence: 'documented',
  sources: [COMPAT, `${TUTORIAL} (Update User [Multi-valued properties])`],
  steps: [
    createUser('POST /Users', entraUser('grace'), 'userId'),
    {
      name: 'PATCH: Replace displayName, work email, given and family name, externalId, employeeNumber',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp(
          { op: 'Replace', path: 'displayName', value: 'Pvlo {{run}}' },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'grace-{{run}}@test.example' },
          { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
          { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
          { op: 'Replace', path: 'externalId', value: 'Eqpj-{{run}}' },
          { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Eqpj' },
        ),
      },
      expect: { status: [200, 204] },
    },
    {
      // The mapping table maps mobile to this path; Entra sends it when the user has no phone yet.
      name: 'PATCH: Replace phoneNumbers[type eq "mobile"].value on a user without phone numbers',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp({ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' }),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'PATCH: Add nickName (Add for a single-valued string)',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp({ op: 'Add', path: 'nickName', value: 'Babs' }),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'GET /Users/{id}: every value as sent',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: {
        status: 200,
        body: {
          displayName: 'Pvlo {{run}}',
          nickName: 'Babs',
          externalId: 'Eqpj-{{run}}',
          name: { givenName: 'Gtfd', familyName: 'Pkqf' },
          emails: { $contains: { type: 'work', value: 'grace-{{run}}@test.example' } },
          phoneNumbers: { $contains: { type: 'mobile', value: '+1 555 0100' } },
          [ENTERPRISE]: { employeeNumber: 'Eqpj', department: 'Analytical Engines' },
        },
      },
    },
  ],
  cleanup: [deleteUser('userId')],
};

const updateFlagged: Sequence = {
  id: 'update-user-aadoptscim062020',
  title:
    'Update with aadOptscim062020: a filtered path op plus one pathless replace with dotted and URN keys',
  evidence: 'documented',
  sources: [COMPAT],
  steps: [
    createUser('POST /Users', entraUser('alan'), 'userId'),
    {
      name: 'PATCH: replace work email; replace {displayName, name.givenName, name.familyName, URN:employeeNumber}',
      request: {
        method: 'PATCH',
        // The flag as it is written in the Tenant URL; an unknown query parameter changes nothing.
        path: '/Users/{{userId}}?aadOptscim062020',
        body: patchOp(
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'alan-{{run}}@test.example' },
          {
            op: 'replace',
            value: {
              displayName: 'Bjfe',
              'name.givenName': 'Kkom',
              'name.familyName': 'Unua',
              [`${ENTERPRISE}:employeeNumber`]: 'Aklq',
            },
          },
        ),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'PATCH: add nickName (lower-case op)',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp({ op: 'add', path: 'nickName', value: 'Babs' }),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'GET /Users/{id}: every value as sent',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: {
        status: 200,
        body: {
          displayName: 'Bjfe',
          nickName: 'Babs',
          name: { givenName: 'Kkom', familyName: 'Unua' },
          emails: { $contains: { type: 'work', value: 'alan-{{run}}@test.example' } },
          [ENTERPRISE]: { employeeNumber: 'Aklq' },
        },
      },
    },
  ],
  cleanup: [deleteUser('userId')],
};

/** Disable, then check that GET and the matching query still return the user, inactive. */
function disableSequence(id: string, title: string, value: Json, op: string, sources: string[]): Sequence {
  return {
    id,
    title,
    evidence: 'documented',
    sources,
    steps: [
      createUser('POST /Users', entraUser('leaver'), 'userId'),
      {
        name: `PATCH: ${op} active ${JSON.stringify(value)}`,
        request: {
          method: 'PATCH',
          path: '/Users/{{userId}}',
          body: patchOp({ op, path: 'active', value }),
        },
        expect: { status: [200, 204] },
      },
      {
        name: 'GET /Users/{id}: still there, active false',
        request: { method: 'GET', path: '/Users/{{userId}}' },
        expect: { status: 200, body: { id: '{{userId}}', active: false } },
      },
      {
        name: 'query by userName: still found, active false',
        request: { method: 'GET', path: '/Users', query: byUserName('leaver-{{run}}@contoso.example') },
        expect: { status: 200, body: listOf('{{userId}}', { active: false }) },
      },
    ],
    cleanup: [deleteUser('userId')],
  };
}

const disableDefault = disableSequence(
  'disable-user-default-dialect',
  'Disable (unassign, soft delete) without the flag: Replace active "False", a string',
  'False',
  'Replace',
  [COMPAT, `${VALIDATOR} (Disable_User_Test)`],
);

const disableFlagged = disableSequence(
  'disable-user-aadoptscim062020',
  'Disable with aadOptscim062020: replace active false, a boolean',
  false,
  'replace',
  [COMPAT, `${TUTORIAL} (Disable User)`],
);

const restoreUser: Sequence = {
  id: 'restore-user',
  title: 'Restore: a soft-deleted (inactive) user is made active again',
  evidence: 'documented',
  sources: [
    `${TUTORIAL} (requirements: soft-deleting active=false and restoring active=true)`,
    `${VALIDATOR} (Restore_User_Test)`,
  ],
  steps: [
    createUser('POST /Users', entraUser('returner'), 'userId'),
    {
      name: 'PATCH: Replace active "False"',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp({ op: 'Replace', path: 'active', value: 'False' }),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'PATCH: Replace active "True"',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp({ op: 'Replace', path: 'active', value: 'True' }),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'GET /Users/{id}: active true',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: { status: 200, body: { active: true } },
    },
  ],
  cleanup: [deleteUser('userId')],
};

const MANAGER = `${ENTERPRISE}:manager`;
const managerIs = (id: string) => ({ [ENTERPRISE]: { manager: { value: id } } });

const manager: Sequence = {
  id: 'manager',
  title:
    'Manager: set with a bare id, changed, cleared with an empty value, set in the reference-code form, removed',
  evidence: 'documented',
  sources: [
    `${VALIDATOR} (SCIM_Update_Manager_Test: Add, Replace, Replace with empty)`,
    `${TUTORIAL} (Example 5)`,
  ],
  steps: [
    createUser('POST /Users (first manager)', entraUser('boss'), 'bossId'),
    createUser('POST /Users (second manager)', entraUser('chief'), 'chiefId'),
    createUser('POST /Users (their report)', entraUser('report'), 'userId'),
    {
      name: 'PATCH: Add manager (the id as a string)',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp({ op: 'Add', path: MANAGER, value: '{{bossId}}' }),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'GET: the manager is the first',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: { status: 200, body: managerIs('{{bossId}}') },
    },
    {
      name: 'PATCH: Replace manager',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp({ op: 'Replace', path: MANAGER, value: '{{chiefId}}' }),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'GET: the manager is the second',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: { status: 200, body: managerIs('{{chiefId}}') },
    },
    {
      name: 'PATCH: Replace manager with an empty value',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp({ op: 'Replace', path: MANAGER, value: '' }),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'GET: no manager',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: { status: 200, body: { [ENTERPRISE]: { manager: { $absent: true } } } },
    },
    {
      name: 'PATCH: Add path "manager", value [{"$ref": …, "value": id}] (reference-code form)',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp({
          op: 'Add',
          path: 'manager',
          value: [{ $ref: 'https://contoso.example/scim/Users/{{bossId}}', value: '{{bossId}}' }],
        }),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'GET: the manager is the first again',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: { status: 200, body: managerIs('{{bossId}}') },
    },
    {
      name: 'PATCH: Remove manager',
      request: { method: 'PATCH', path: '/Users/{{userId}}', body: patchOp({ op: 'Remove', path: MANAGER }) },
      expect: { status: [200, 204] },
    },
    {
      name: 'GET: no manager',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: { status: 200, body: { [ENTERPRISE]: { manager: { $absent: true } } } },
    },
  ],
  cleanup: [deleteUser('userId'), deleteUser('bossId'), deleteUser('chiefId')],
};

const nullUpdate: Sequence = {
  id: 'null-update',
  title: 'Cleared attributes: empty strings, then nulls, leave them empty',
  evidence: 'documented',
  sources: [`${VALIDATOR} (SCIM_Null_Update_Test)`],
  steps: [
    createUser(
      'POST /Users with title, nickName, preferredLanguage',
      {
        ...(entraUser('blank') as Record<string, Json>),
        title: 'Analyst',
        nickName: 'Bee',
        preferredLanguage: 'en-GB',
      },
      'userId',
    ),
    {
      name: 'PATCH: Replace title, nickName, preferredLanguage with ""',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp(
          { op: 'Replace', path: 'title', value: '' },
          { op: 'Replace', path: 'nickName', value: '' },
          { op: 'Replace', path: 'preferredLanguage', value: '' },
        ),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'GET: all three null or empty',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: {
        status: 200,
        body: { title: { $empty: true }, nickName: { $empty: true }, preferredLanguage: { $empty: true } },
      },
    },
    {
      name: 'PATCH: Replace title, nickName, preferredLanguage with null',
      request: {
        method: 'PATCH',
        path: '/Users/{{userId}}',
        body: patchOp(
          { op: 'Replace', path: 'title', value: null },
          { op: 'Replace', path: 'nickName', value: null },
          { op: 'Replace', path: 'preferredLanguage', value: null },
        ),
      },
      expect: { status: [200, 204] },
    },
    {
      name: 'GET: all three still null or empty',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: {
        status: 200,
        body: { title: { $empty: true }, nickName: { $empty: true }, preferredLanguage: { $empty: true } },
      },
    },
  ],
  cleanup: [deleteUser('userId')],
};

const PAGED_USERS = Array.from({ length: 11 }, (_, i) => `paged${i + 1}`);

const userPagination: Sequence = {
  id: 'user-pagination',
  title: 'Pagination: with at least 11 users, pages of count=5 echo startIndex and list every user once',
  evidence: 'documented',
  sources: [
    `${VALIDATOR} (SCIM_User_Pagination_Test)`,
    `${TUTORIAL} (requirements: listing users and paginating)`,
  ],
  steps: [
    ...PAGED_USERS.map((label) => createUser(`POST /Users (${label})`, plainUser(label), `${label}Id`)),
    {
      name: 'GET /Users?startIndex=1,6,11…&count=5',
      walk: { path: '/Users', count: 5, includes: PAGED_USERS.map((label) => `{{${label}Id}}`) },
    },
  ],
  cleanup: PAGED_USERS.map((label) => deleteUser(`${label}Id`)),
};

const deleteUserSequence: Sequence = {
  id: 'delete-user',
  title: 'Hard delete (30 days after the soft delete): 204, then 404 by id and nothing by userName',
  evidence: 'documented',
  sources: [`${TUTORIAL} (Delete User)`, `${VALIDATOR} (Delete_User_Test, optional)`],
  steps: [
    createUser('POST /Users', entraUser('gone'), 'userId'),
    {
      name: 'DELETE /Users/{id}',
      request: { method: 'DELETE', path: '/Users/{{userId}}' },
      expect: { status: 204 },
    },
    {
      name: 'GET /Users/{id}: 404 with the Error schema',
      request: { method: 'GET', path: '/Users/{{userId}}' },
      expect: { status: 404, body: scimError(404) },
    },
    {
      name: 'query by userName: nobody',
      request: { method: 'GET', path: '/Users', query: byUserName('gone-{{run}}@contoso.example') },
      expect: { status: 200, body: EMPTY_LIST },
    },
  ],
  cleanup: [deleteUser('userId')],
};

const errors: Sequence = {
  id: 'errors',
  title: 'An unknown user id is 404 and a wrong token 401, both with the Error schema',
  evidence: 'documented',
  sources: [`${TUTORIAL} (Get User: user not found)`, 'RFC 7644 §3.12'],
  steps: [unknownResource('/Users'), wrongToken()],
};

const schemaDiscovery: Sequence = {
  id: 'schema-discovery',
  title:
    'Schema discovery: /Schemas is a ListResponse with the core User (userName) and the enterprise extension',
  evidence: 'documented',
  sources: [`${TUTORIAL} (Discover schema)`, `${VALIDATOR} (Schema_Discoverability_Test)`],
  steps: [
    {
      name: 'GET /Schemas',
      request: { method: 'GET', path: '/Schemas' },
      expect: {
        status: 200,
        body: {
          schemas: { $contains: LIST_RESPONSE },
          Resources: {
            $contains: { id: USER, attributes: { $contains: { name: 'userName', uniqueness: 'server' } } },
          },
        },
      },
    },
    {
      name: 'GET /Schemas: the enterprise extension with manager and employeeNumber',
      request: { method: 'GET', path: '/Schemas' },
      expect: {
        status: 200,
        body: {
          Resources: { $contains: { id: ENTERPRISE, attributes: { $contains: { name: 'manager' } } } },
        },
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Groups (TUTORIAL, Group Operations): created with no members, read with excludedAttributes=members,
// matched on displayName, members added and removed by PATCH answered with 204 (200 accepted).
// ---------------------------------------------------------------------------------------------

const byDisplayName = (name: string) => filter(`displayName eq "${name}"`, { excludedAttributes: 'members' });

function entraGroup(label: string): Json {
  return {
    schemas: [GROUP, ADSCIM_GROUP],
    externalId: '{{guid}}',
    displayName: `${label} {{run}}`,
    meta: { resourceType: 'Group' },
  };
}

const createGroup = (label: string, variable = 'groupId') => ({
  name: `POST /Groups (${label})`,
  request: { method: 'POST' as const, path: '/Groups', body: entraGroup(label) },
  expect: { status: 201, body: { id: { $type: 'string' as const }, displayName: `${label} {{run}}` } },
  capture: { [variable]: 'id' },
});

const groupTestConnection: Sequence = {
  id: 'group-test-connection',
  title:
    'Test Connection with group provisioning: a group filter on a random GUID answers an empty ListResponse',
  evidence: 'documented',
  sources: [`${TUTORIAL} (fetch a random user and group)`],
  steps: [
    {
      name: 'GET /Groups?excludedAttributes=members&filter=displayName eq "{random GUID}"',
      request: { method: 'GET', path: '/Groups', query: byDisplayName('{{guid}}') },
      expect: { status: 200, headers: { 'content-type': SCIM_JSON }, body: EMPTY_LIST },
    },
  ],
};

const createGroupSequence: Sequence = {
  id: 'create-group',
  title: 'Create group: nothing by displayName, POST with the ADSCIM schema, then read without members',
  evidence: 'documented',
  sources: [`${TUTORIAL} (Create Group, Get Group, Get Group by displayName)`],
  steps: [
    {
      name: 'query by displayName: nothing yet',
      request: { method: 'GET', path: '/Groups', query: byDisplayName('Engineering {{run}}') },
      expect: { status: 200, body: EMPTY_LIST },
    },
    createGroup('Engineering'),
    {
      name: 'GET /Groups/{id}?excludedAttributes=members',
      request: { method: 'GET', path: '/Groups/{{groupId}}', query: { excludedAttributes: 'members' } },
      expect: {
        status: 200,
        body: { id: '{{groupId}}', displayName: 'Engineering {{run}}', members: { $absent: true } },
      },
    },
    {
      name: 'query by displayName',
      request: { method: 'GET', path: '/Groups', query: byDisplayName('Engineering {{run}}') },
      expect: { status: 200, body: listOf('{{groupId}}', { members: { $absent: true } }) },
    },
  ],
  cleanup: [deleteGroup('groupId')],
};

const duplicateGroup: Sequence = {
  id: 'duplicate-group',
  title: 'displayName is unique: a second group of the same name is refused with 409 uniqueness',
  evidence: 'documented',
  sources: [`${TUTORIAL} (/Groups: groups must have uniqueness on displayName)`],
  steps: [
    createGroup('Twins'),
    {
      name: 'POST /Groups again with the same displayName',
      request: { method: 'POST', path: '/Groups', body: entraGroup('Twins') },
      expect: { status: 409, body: scimError(409, 'uniqueness') },
    },
  ],
  cleanup: [deleteGroup('groupId')],
};

const updateGroup: Sequence = {
  id: 'update-group',
  title: 'Rename: Replace displayName answers 204 (or 200) and the new name is found',
  evidence: 'documented',
  sources: [`${TUTORIAL} (Update Group [Non-member attributes])`],
  steps: [
    createGroup('Sales'),
    {
      name: 'PATCH: Replace displayName',
      request: {
        method: 'PATCH',
        path: '/Groups/{{groupId}}',
        body: patchOp({ op: 'Replace', path: 'displayName', value: 'Sales EMEA {{run}}' }),
      },
      expect: { status: [204, 200] },
    },
    {
      name: 'query by the new displayName',
      request: { method: 'GET', path: '/Groups', query: byDisplayName('Sales EMEA {{run}}') },
      expect: { status: 200, body: listOf('{{groupId}}') },
    },
  ],
  cleanup: [deleteGroup('groupId')],
};

/**
 * Add two members in one PATCH, check both directions, remove one with `remove`. TUTORIAL says
 * Entra checks a reference's value with a query "about the members attribute" but does not print
 * it; the query here is the form AWS IAM Identity Center documents for the same check.
 */
function membershipSequence(
  id: string,
  title: string,
  sources: string[],
  add: string,
  remove: Json,
): Sequence {
  return {
    id,
    title,
    evidence: 'documented',
    sources,
    steps: [
      createUser('POST /Users (first member)', entraUser('member1'), 'u1'),
      createUser('POST /Users (second member)', entraUser('member2'), 'u2'),
      createGroup('Team'),
      {
        name: `PATCH: ${add} members, two in one request`,
        request: {
          method: 'PATCH',
          path: '/Groups/{{groupId}}',
          body: patchOp({
            op: add,
            path: 'members',
            value: [
              { $ref: null, value: '{{u1}}' },
              { $ref: null, value: '{{u2}}' },
            ],
          }),
        },
        expect: { status: [204, 200] },
      },
      {
        name: 'GET /Groups/{id}: both are members',
        request: { method: 'GET', path: '/Groups/{{groupId}}' },
        expect: {
          status: 200,
          body: { members: { $contains: { value: '{{u1}}' } } },
        },
      },
      {
        name: 'GET /Groups/{id}: the second too',
        request: { method: 'GET', path: '/Groups/{{groupId}}' },
        expect: { status: 200, body: { members: { $contains: { value: '{{u2}}' } } } },
      },
      {
        name: 'membership query: GET /Groups?excludedAttributes=members&filter=id eq "…" and members eq "…"',
        request: {
          method: 'GET',
          path: '/Groups',
          query: filter('id eq "{{groupId}}" and members eq "{{u1}}"', { excludedAttributes: 'members' }),
        },
        expect: { status: 200, body: listOf('{{groupId}}', { members: { $absent: true } }) },
      },
      {
        name: 'membership query, value-filter form: filter=id eq "…" and members[value eq "…"]',
        request: {
          method: 'GET',
          path: '/Groups',
          query: filter('id eq "{{groupId}}" and members[value eq "{{u2}}"]', {
            excludedAttributes: 'members',
          }),
        },
        expect: { status: 200, body: listOf('{{groupId}}') },
      },
      {
        name: "GET /Users/{first}: the group is among the user's groups",
        request: { method: 'GET', path: '/Users/{{u1}}' },
        expect: { status: 200, body: { groups: { $contains: { value: '{{groupId}}' } } } },
      },
      {
        name: 'PATCH: remove the first member',
        request: { method: 'PATCH', path: '/Groups/{{groupId}}', body: patchOp(remove) },
        expect: { status: [204, 200] },
      },
      {
        name: 'GET /Groups/{id}: only the second is left',
        request: { method: 'GET', path: '/Groups/{{groupId}}' },
        expect: {
          status: 200,
          body: { members: { $notContains: { value: '{{u1}}' } } },
        },
      },
      {
        name: 'GET /Groups/{id}: the second is still a member',
        request: { method: 'GET', path: '/Groups/{{groupId}}' },
        expect: { status: 200, body: { members: { $contains: { value: '{{u2}}' } } } },
      },
      {
        name: 'membership query for the first: nothing',
        request: {
          method: 'GET',
          path: '/Groups',
          query: filter('id eq "{{groupId}}" and members eq "{{u1}}"', { excludedAttributes: 'members' }),
        },
        expect: { status: 200, body: EMPTY_LIST },
      },
      {
        name: "GET /Users/{first}: the group is gone from the user's groups",
        request: { method: 'GET', path: '/Users/{{u1}}' },
        expect: { status: 200, body: { groups: { $notContains: { value: '{{groupId}}' } } } },
      },
    ],
    cleanup: [deleteGroup('groupId'), deleteUser('u1'), deleteUser('u2')],
  };
}

const membersDefault = membershipSequence(
  'group-members-default-dialect',
  'Membership without the flag: Add members (two in one PATCH), Remove with a value list',
  [`${TUTORIAL} (Update Group [Add Members], [Remove Members])`, COMPAT],
  'Add',
  { op: 'Remove', path: 'members', value: [{ $ref: null, value: '{{u1}}' }] },
);

const membersFlagged = membershipSequence(
  'group-members-aadoptscim062020',
  'Membership with aadOptscim062020: add members, remove with members[value eq "…"]',
  [COMPAT],
  'add',
  { op: 'remove', path: 'members[value eq "{{u1}}"]' },
);

const deleteGroupSequence: Sequence = {
  id: 'delete-group',
  title: 'Delete group: 204, then 404; its members stay',
  evidence: 'documented',
  sources: [`${TUTORIAL} (Delete Group)`],
  steps: [
    createUser('POST /Users (member)', entraUser('stays'), 'u1'),
    createGroup('Temporary'),
    {
      name: 'PATCH: Add the member',
      request: {
        method: 'PATCH',
        path: '/Groups/{{groupId}}',
        body: patchOp({ op: 'Add', path: 'members', value: [{ value: '{{u1}}' }] }),
      },
      expect: { status: [204, 200] },
    },
    {
      name: 'DELETE /Groups/{id}',
      request: { method: 'DELETE', path: '/Groups/{{groupId}}' },
      expect: { status: 204 },
    },
    {
      name: 'GET /Groups/{id}: 404',
      request: { method: 'GET', path: '/Groups/{{groupId}}', query: { excludedAttributes: 'members' } },
      expect: { status: 404, body: scimError(404) },
    },
    {
      name: 'GET /Users/{member}: still there, without the group',
      request: { method: 'GET', path: '/Users/{{u1}}' },
      expect: { status: 200, body: { id: '{{u1}}', groups: { $notContains: { value: '{{groupId}}' } } } },
    },
  ],
  cleanup: [deleteGroup('groupId'), deleteUser('u1')],
};

export const entra: IdpConformance = {
  id: 'entra',
  name: 'Microsoft Entra ID',
  sequences: [
    testConnection,
    createUserSequence,
    createWithNulls,
    duplicateUser,
    updateDefault,
    updateFlagged,
    disableDefault,
    disableFlagged,
    restoreUser,
    manager,
    nullUpdate,
    userPagination,
    deleteUserSequence,
    errors,
    schemaDiscovery,
    groupTestConnection,
    createGroupSequence,
    duplicateGroup,
    updateGroup,
    membersDefault,
    membersFlagged,
    deleteGroupSequence,
  ],
};
