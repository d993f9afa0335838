/**
 * A manual task, for an application with no API at all: a leaver's access there is recorded as
 * pending, with instructions for a person, until an operator confirms it was done
 * (`npm run admin -- confirm <user> <connector>`). The evidence never has a silent gap: it shows
 * what is waiting, for whom, since when. See docs/connectors/manual.md.
 */

import { z } from 'zod';
import { defineConnector, type Outcome } from '#connectors/connector.ts';
import type { UserSnapshot } from '#events/envelope.ts';
import { PLACEHOLDERS, renderInstructions, unknownPlaceholders } from './instructions.ts';

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

type Settings = z.infer<typeof settings>;

export default defineConnector({
  id: 'manual',
  application: 'Manual task',
  settings,
  secrets: z.object({}),
  handlers: {
    'user.deactivated': async (event, { settings }) => pending(settings, event.user, settings.instructions),
    'user.deleted': async (event, { settings }) => pending(settings, event.user, settings.instructions),
    'user.reactivated': async (event, { settings }) =>
      settings.restoreInstructions
        ? pending(settings, event.user, settings.restoreInstructions)
        : { status: 'out_of_scope', detail: `No restore step is configured for ${settings.application}` },
  },
});

function pending(settings: Settings, user: UserSnapshot, instructions: string): Outcome {
  return {
    status: 'manual_pending',
    detail: `Waiting for an operator to confirm the ${settings.application} step for ${user.userName}`,
    instructions: renderInstructions(instructions, user),
  };
}
