/**
 * The message a group DELETE that ran out of time sends to the group sweeper: which group of
 * which directory to finish deleting. Written by the SQS adapter, read by the sweeper, so the
 * two cannot disagree.
 */
import { z } from 'zod';
import type { GroupDeletionRequest } from '../ports/group-deletion-queue.ts';
import { DIRECTORY_ID } from './routes.ts';

/** The function that finishes them (deployed by cdk/lib/constructs/group-sweeper.ts). */
export const groupSweeperFunction = {
  entry: 'functions/group-sweeper.ts',
  description: 'Group sweeper: finishes in the background the deletes of groups too large for a request',
} as const;

// Built on first read, not at import: the groups and Bulk functions only write messages, and a
// schema built at module scope would bundle zod (over 400 KB) into them.
let groupDeletionMessage: z.ZodType<GroupDeletionRequest> | undefined;
const messageSchema = () =>
  (groupDeletionMessage ??= z.strictObject({
    directoryId: z.string().regex(DIRECTORY_ID),
    groupId: z.string().min(1),
  }));

/** The SQS message body of a hand-off. */
export function groupDeletionMessageOf(request: GroupDeletionRequest): string {
  return JSON.stringify({ directoryId: request.directoryId, groupId: request.groupId });
}

/**
 * The request in a message body, or why there is none.
 *
 * @example
 * readGroupDeletionMessage('{"directoryId":"default","groupId":"g1"}') // { ok: true, request: { directoryId: 'default', groupId: 'g1' } }
 */
export function readGroupDeletionMessage(
  body: string,
): { ok: true; request: GroupDeletionRequest } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: 'The message body is not JSON.' };
  }
  const parsed = messageSchema().safeParse(json);
  return parsed.success
    ? { ok: true, request: parsed.data }
    : { ok: false, error: `Not a group deletion: ${z.prettifyError(parsed.error)}` };
}
