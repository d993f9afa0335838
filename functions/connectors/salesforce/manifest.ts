/**
 * What the deployment knows of the salesforce connector without loading it: id, application, settings
 * and secrets schemas, and the events it acts on (see shared/connectors/manifest.ts).
 */
import { z } from 'zod';
import { defineManifest } from '#connectors/manifest.ts';
import { accountEmailSetting } from '#connectors/user-identity.ts';

const settings = z.object({
  /** The org's My Domain URL, e.g. https://acme.my.salesforce.com (token endpoint and REST API both live there). */
  instanceUrl: z.url(),
  apiVersion: z
    .string()
    .regex(/^v\d+\.0$/, 'a REST API version such as v63.0')
    .default('v63.0'),
  /** The User field that holds the value below: Username (unique), Email (may match several users), or FederationIdentifier (the SAML SSO id). */
  matchOn: z.enum(['Username', 'Email', 'FederationIdentifier']).default('Username'),
  /** Which of the directory user's addresses is compared with that field. */
  accountEmail: accountEmailSetting,
  /** End the leaver's live sessions (delete their AuthSession records) before deactivating. */
  endSessions: z.boolean().default(true),
});

/** The external client app's consumer key and secret (client credentials flow enabled, with a run-as user). */
const secrets = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) });

const APPLICATION = 'Salesforce';

export default defineManifest({
  id: 'salesforce',
  application: APPLICATION,
  settings,
  secrets,
  events: ['user.deactivated', 'user.deleted', 'user.reactivated'],
});
