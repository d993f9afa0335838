/**
 * What the deployment knows of the atlassian connector without loading it: id, application, settings
 * and secrets schemas, and the events it acts on (see shared/connectors/manifest.ts).
 */
import { z } from 'zod';
import { defineManifest } from '#connectors/manifest.ts';
import { accountEmailSetting } from '#connectors/user-identity.ts';

const settings = z.object({
  /** The organization id, from admin.atlassian.com/o/{organizationId}/… or the API key page. */
  organizationId: z.string().min(1),
  /** The directory to act in; without it, every directory the user is in (found through the API). */
  directoryId: z.string().min(1).optional(),
  /** `suspend` (reversible, the default) or `remove` (the user leaves the directory; re-inviting is manual). */
  leaverAction: z.enum(['suspend', 'remove']).default('suspend'),
  /** Deactivate (lifecycle `disable`) a leaver's managed account: blocks login and API tokens everywhere. */
  disableManagedAccounts: z.boolean().default(true),
  apiBaseUrl: z.url().default('https://api.atlassian.com'),
  accountEmail: accountEmailSetting,
});

/** An organization API key (Settings > API keys in Atlassian Administration). */
const secrets = z.object({ apiKey: z.string().min(1) });

const APPLICATION = 'Atlassian';

export default defineManifest({
  id: 'atlassian',
  application: APPLICATION,
  settings,
  secrets,
  events: ['user.deactivated', 'user.deleted', 'user.reactivated'],
});
