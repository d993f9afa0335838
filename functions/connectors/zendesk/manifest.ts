/**
 * What the deployment knows of the zendesk connector without loading it: id, application, settings
 * and secrets schemas, and the events it acts on (see shared/connectors/manifest.ts).
 */
import { z } from 'zod';
import { defineManifest } from '#connectors/manifest.ts';
import { accountEmailSetting } from '#connectors/user-identity.ts';

const settings = z.object({
  /** The account's URL, https://{subdomain}.zendesk.com. */
  url: z.url(),
  accountEmail: accountEmailSetting,
  /** End every session of a leaver after suspending them (safe: a suspended user cannot sign in again). */
  endSessions: z.boolean().default(true),
  /**
   * Downgrade a leaving agent or admin to end user, which releases their paid seat. Off by
   * default: the agent loses their role and groups, which a returner does not get back.
   */
  releaseAgentSeat: z.boolean().default(false),
});

const secrets = z.union([
  /** An API token, used with the email of the admin who created it. */
  z.object({ email: z.email(), apiToken: z.string().min(1) }),
  /** An OAuth access token with the users:write scope. */
  z.object({ oauthToken: z.string().min(1) }),
]);

export default defineManifest({
  id: 'zendesk',
  application: 'Zendesk',
  settings,
  secrets,
  events: ['user.deactivated', 'user.deleted', 'user.reactivated'],
});
