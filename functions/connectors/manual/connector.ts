/**
 * A manual task, for an application with no API at all: a leaver's access there is recorded as
 * pending, with instructions for a person, until an operator confirms it was done
 * (`npm run admin -- confirm <user> <connector>`). The evidence never has a silent gap: it shows
 * what is waiting, for whom, since when. See docs/connectors/manual.md.
 */

import type { z } from 'zod';
import { defineConnector, type Outcome } from '#connectors/connector.ts';
import type { UserSnapshot } from '#events/envelope.ts';
import { renderInstructions } from './instructions.ts';
import manifest from './manifest.ts';

type Settings = z.infer<typeof manifest.settings>;

export default defineConnector({
  ...manifest,
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
