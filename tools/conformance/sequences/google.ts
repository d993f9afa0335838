/**
 * Google Workspace automated user provisioning. Google documents which users it provisions
 * (active, suspended or deleted; not archived) and how often ("every few hours"), for apps of its
 * SAML catalog; it does not document the SCIM requests. The connection probe comes from a third
 * party's guide.
 */
import type { IdpConformance, Sequence } from '../sequence.ts';
import { LIST_RESPONSE, wrongToken } from './common.ts';
import { userLifecycle } from './rfc7644.ts';

const GOOGLE = 'Google Workspace Admin Help 7681608: About automated user provisioning';
const AUTHN = 'authn.sh docs: SCIM 2.0 with Google Workspace (third party)';

const probe: Sequence = {
  id: 'connection-probe',
  title: 'The probe when auto-provisioning is turned on: GET /Users?count=1 answers a ListResponse',
  evidence: 'field-report',
  sources: [AUTHN],
  steps: [
    {
      name: 'GET /Users?count=1',
      request: { method: 'GET', path: '/Users?count=1' },
      expect: {
        status: 200,
        body: {
          schemas: { $contains: LIST_RESPONSE },
          totalResults: { $type: 'integer' },
          itemsPerPage: { $type: 'integer' },
        },
      },
    },
  ],
};

const errors: Sequence = {
  id: 'errors',
  title: 'A wrong token gets 401 with the Error schema',
  evidence: 'rfc7644',
  sources: ['RFC 7644 §3.12'],
  steps: [wrongToken()],
};

export const google: IdpConformance = {
  id: 'google',
  name: 'Google Workspace',
  sequences: [probe, userLifecycle('google-lifecycle', [GOOGLE]), errors],
};
