/**
 * What the deployment knows of the zoom connector without loading it: id, application, settings
 * and secrets schemas, and the events it acts on (see shared/connectors/manifest.ts).
 */
import { z } from 'zod';
import { defineManifest } from '#connectors/manifest.ts';
import { accountEmailSetting } from '#connectors/user-identity.ts';

const settings = z.object({
  apiBaseUrl: z.url().default('https://api.zoom.us/v2'),
  tokenUrl: z.url().default('https://zoom.us/oauth/token'),
  /** Which of the user's addresses is their Zoom login. */
  accountEmail: accountEmailSetting,
  /** Revoke an SSO user's SSO token, which logs them out of their current Zoom session. */
  revokeSsoToken: z.boolean().default(true),
  /** The id of the account's Member role (Zoom's default roles: 0 Owner, 1 Admin, 2 Member). */
  memberRoleId: z.string().min(1).default('2'),
});

/** The Server-to-Server OAuth app's credentials (App Marketplace > the app > App Credentials). */
const secrets = z.object({
  accountId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});

const APPLICATION = 'Zoom';

export default defineManifest({
  id: 'zoom',
  application: APPLICATION,
  settings,
  secrets,
  events: ['user.deactivated', 'user.deleted', 'user.reactivated'],
});
