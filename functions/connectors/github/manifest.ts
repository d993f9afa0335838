/**
 * What the deployment knows of the github connector without loading it: id, application, settings
 * and secrets schemas, and the events it acts on (see shared/connectors/manifest.ts).
 */
import { z } from 'zod';
import { defineManifest } from '#connectors/manifest.ts';

const settings = z.object({
  /** The organization's login, as in https://github.com/{organization}. */
  organization: z.string().min(1),
  /**
   * How the GitHub login is found from the directory user:
   * - `samlIdentity`: the SAML identity whose NameID is the user's userName (then primary email),
   *   through GraphQL. Exact; needs SAML SSO on the organization or its enterprise.
   * - `userNameLocalPart`: userName before the "@" (ada.lovelace@example.com → ada.lovelace).
   * - `userName` / `externalId`: the attribute as is, when the IdP sends the GitHub login there.
   */
  login: z.enum(['samlIdentity', 'userNameLocalPart', 'userName', 'externalId']),
  /** The enterprise's slug, when SAML SSO is configured for the enterprise rather than the organization. */
  enterprise: z.string().min(1).optional(),
  /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiBaseUrl: z.url().default('https://api.github.com'),
  apiVersion: z.string().default('2022-11-28'),
});

const secrets = z.object({
  /** A classic token with admin:org, or a fine-grained token with "Members: read and write" on the organization. */
  token: z.string().min(1),
});

export default defineManifest({
  id: 'github',
  application: 'GitHub',
  settings,
  secrets,
  events: ['user.deactivated', 'user.deleted', 'user.reactivated'],
});
