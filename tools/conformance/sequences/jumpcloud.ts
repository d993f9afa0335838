/**
 * JumpCloud's Custom SCIM Identity Management integration. JumpCloud documents its Test Connection
 * (a test user and a test group created, then deleted, or the user deactivated when DELETE is not
 * supported) and that no special attribute mapping or extension schema is needed; it does not
 * document the request bodies.
 */
import type { IdpConformance, Sequence } from '../sequence.ts';
import {
  createUser,
  deleteGroup,
  deleteUser,
  plainUser,
  scimError,
  unknownResource,
  wrongToken,
} from './common.ts';
import { createGroup, groupMembership, RFC7644, userLifecycle } from './rfc7644.ts';

const JUMPCLOUD = 'JumpCloud support: Identity Management using a Custom SCIM Integration';
const UNIMONI = 'app.uni-moni.com knowledge base: SSO setup JumpCloud (third party)';

const testConnectionUser: Sequence = {
  id: 'test-connection-user',
  title: 'Test Connection: a test user is created, then deleted',
  evidence: 'documented',
  sources: [JUMPCLOUD, RFC7644],
  steps: [
    createUser(
      'POST /Users (the test user, with the "Test User Email")',
      plainUser('jumpcloud-test'),
      'userId',
    ),
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

const testConnectionGroup: Sequence = {
  id: 'test-connection-group',
  title: 'Test Connection with group management: a test group is created, then deleted',
  evidence: 'documented',
  sources: [JUMPCLOUD, RFC7644],
  steps: [
    createGroup('JumpCloud test group'),
    {
      name: 'DELETE /Groups/{id}',
      request: { method: 'DELETE', path: '/Groups/{{groupId}}' },
      expect: { status: 204 },
    },
  ],
  cleanup: [deleteGroup('groupId')],
};

const errors: Sequence = {
  id: 'errors',
  title: 'An unknown user id is 404 and a wrong token 401, both with the Error schema',
  evidence: 'rfc7644',
  sources: ['RFC 7644 §3.12'],
  steps: [unknownResource('/Users'), wrongToken()],
};

export const jumpcloud: IdpConformance = {
  id: 'jumpcloud',
  name: 'JumpCloud',
  sequences: [
    testConnectionUser,
    userLifecycle('jumpcloud-lifecycle', [JUMPCLOUD]),
    errors,
    testConnectionGroup,
    groupMembership(
      'field-report',
      [UNIMONI],
      { op: 'remove', path: 'members', value: [{ value: '{{u1}}' }] },
      'Membership: add members, remove with a value list and no filter (Entra style)',
    ),
  ],
};
