/**
 * OneLogin provisioning through its SCIM custom connectors ("SCIM Provisioner with SAML (SCIM v2
 * Enterprise)"). OneLogin documents how to configure the connector (KB0013904) but not the
 * requests it sends; what is known of them comes from a public request log and vendors' guides.
 */
import type { IdpConformance, Sequence } from '../sequence.ts';
import {
  createUser,
  deleteUser,
  EMPTY_LIST,
  ENTERPRISE,
  USER,
  unknownResource,
  wrongToken,
} from './common.ts';
import { groupMembership, RFC7644, userLifecycle } from './rfc7644.ts';

const KB = 'OneLogin KB0013904: Creating SCIM Custom Connectors (configuration; requests not documented)';
const LOG = 'goauthentik/authentik#11249: request log of a OneLogin SCIM v2 Enterprise connector';
const TEMPLATE = "Vendors' OneLogin guides (SCIM JSON Template of the SCIM v2 Enterprise connector)";

const userName = 'onelogin-{{run}}@conformance.example';

const createAndUpdate: Sequence = {
  id: 'create-and-update-user',
  title:
    'Look up with "+" for spaces and a trailing "&", create from the enterprise template, update by PUT with SCIM 1-style schema URNs',
  evidence: 'field-report',
  sources: [LOG, TEMPLATE, KB],
  steps: [
    {
      name: 'GET /Users?filter=userName+eq+"…"&',
      request: { method: 'GET', path: `/Users?filter=userName+eq+%22${userName}%22&` },
      expect: { status: 200, body: EMPTY_LIST },
    },
    createUser(
      'POST /Users (the enterprise JSON template)',
      {
        schemas: [USER, ENTERPRISE],
        userName,
        name: { familyName: 'Test User 01', givenName: 'AAA' },
        title: 'Analyst',
        emails: [{ value: userName, type: 'work', primary: true }],
        [ENTERPRISE]: { department: 'Finance' },
      },
      'userId',
    ),
    {
      name: 'PUT /Users/{id}? with schemas urn:scim:schemas:core:2.0 and a leading space in familyName',
      request: {
        method: 'PUT',
        path: '/Users/{{userId}}?',
        body: {
          schemas: ['urn:scim:schemas:core:2.0', 'urn:scim:schemas:extension:enterprise:2.0'],
          userName,
          name: { familyName: ' User 01', givenName: 'AAA Test' },
          emails: [{ value: userName, type: 'work', primary: true }],
        },
      },
      expect: {
        status: 200,
        body: { id: '{{userId}}', name: { familyName: ' User 01', givenName: 'AAA Test' } },
      },
    },
    {
      name: 'GET /Users?filter=userName+eq+"…"&: found, values as sent',
      request: { method: 'GET', path: `/Users?filter=userName+eq+%22${userName}%22&` },
      expect: {
        status: 200,
        body: { totalResults: 1, Resources: { 0: { id: '{{userId}}', name: { familyName: ' User 01' } } } },
      },
    },
  ],
  cleanup: [deleteUser('userId')],
};

const errors: Sequence = {
  id: 'errors',
  title: 'An unknown user id is 404 and a wrong token 401, both with the Error schema',
  evidence: 'rfc7644',
  sources: ['RFC 7644 §3.12'],
  steps: [unknownResource('/Users'), wrongToken()],
};

export const onelogin: IdpConformance = {
  id: 'onelogin',
  name: 'OneLogin',
  sequences: [
    createAndUpdate,
    userLifecycle('onelogin-lifecycle', [KB]),
    errors,
    groupMembership(
      'field-report',
      [`${LOG} (membership changes arrive as PATCH /Groups/{id}; the body is not shown)`, RFC7644],
      { op: 'remove', path: 'members[value eq "{{u1}}"]' },
      'Membership by PATCH /Groups/{id}: add members, remove with members[value eq "…"]',
    ),
  ],
};
