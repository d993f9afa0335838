/**
 * What the deployment knows of the manual connector without loading it: id, application, settings
 * and secrets schemas, and the events it acts on (see shared/connectors/manifest.ts).
 */
import { z } from 'zod';
import { defineManifest } from '#connectors/manifest.ts';
import { PLACEHOLDERS, unknownPlaceholders } from './instructions.ts';

const template = z
  .string()
  .min(1)
  .refine((text) => unknownPlaceholders(text).length === 0, {
    error: (issue) =>
      `unknown placeholder ${unknownPlaceholders(String(issue.input))
        .map((name) => `{{${name}}}`)
        .join(', ')}; known: ${PLACEHOLDERS.map((name) => `{{${name}}}`).join(' ')}`,
  });

const settings = z.object({
  /** The application's name as people know it ("Legacy ERP"). */
  application: z.string().min(1),
  /** What to do for a leaver, with placeholders such as {{displayName}}, {{email}}, {{userName}}. */
  instructions: template,
  /** What to do for a returner; without it, a returner is out of this connector's scope. */
  restoreInstructions: template.optional(),
});

export default defineManifest({
  id: 'manual',
  application: 'Manual task',
  settings,
  secrets: z.object({}),
  events: ['user.deactivated', 'user.deleted', 'user.reactivated'],
});
