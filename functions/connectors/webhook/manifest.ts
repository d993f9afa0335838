/**
 * What the deployment knows of the webhook connector without loading it: id, application, settings
 * and secrets schemas, and the events it acts on (see shared/connectors/manifest.ts).
 */
import { z } from 'zod';
import { defineManifest } from '#connectors/manifest.ts';

const settings = z.object({
  /** Where events are POSTed. HTTPS in production; http only for a receiver on this machine. */
  url: z
    .url()
    .refine((url) => url.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url), {
      message: 'must be https:// (http:// only for 127.0.0.1 or localhost)',
    }),
  /** The application's name in the evidence. */
  application: z.string().min(1).default('Webhook'),
});

const secrets = z.object({
  /** Shared with the receiver; at least 32 characters (e.g. `openssl rand -hex 32`). */
  signingSecret: z.string().min(32),
  /** While rotating: the old secret, so receivers not yet switched still verify. */
  previousSigningSecret: z.string().min(32).optional(),
});

export default defineManifest({
  id: 'webhook',
  application: 'Webhook',
  settings,
  secrets,
  events: ['user.deactivated', 'user.deleted', 'user.reactivated'],
});
