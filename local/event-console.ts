/**
 * `npm start` shows each lifecycle event as it flows, one line each, so that a newcomer sees the
 * leaver event appear the moment the IdP deactivates someone. Identifiers only: the snapshot
 * carries personal data beyond the userName, which stays off the console.
 */

import type { RecordedOutcome } from '../shared/connectors/runtime.ts';
import { type LifecycleEvent, lifecycleEventSchema, subjectOf } from '../shared/events/catalogue.ts';
import type { BusEvent } from './event-pattern.ts';
import type { DeadLetter } from './sqs-queue.ts';

/**
 * The console line of one event: type, subject id, user name (or group name), sequence.
 *
 * @example
 * formatEventLine(busEvent);
 * // 'event user.deactivated    4d94e544-8f0a-4c3e-9a51-1b0f5f7c2d10  ada@example.com  #3'
 */
export function formatEventLine(event: BusEvent): string {
  const parsed = lifecycleEventSchema.safeParse(event.detail);
  if (!parsed.success) return `event ${event['detail-type']}  (unreadable detail)`;
  const detail: LifecycleEvent = parsed.data;
  const subject = subjectOf(detail);
  const changed = detail.type === 'user.updated' ? `  changed: ${detail.changedAttributes.join(', ')}` : '';
  return `event ${detail.type.padEnd(20)}  ${subject.id}  ${subject.name}  #${detail.sequence}${changed}`;
}

/**
 * The console line of one connector outcome, beside the event lines: connector, outcome, user,
 * sequence, attempt, and the detail or error.
 *
 * @example
 * formatOutcomeLine(recorded);
 * // 'connector zoom          revoked           ada@example.com  #3  attempt 1  Deactivated Zoom user …'
 */
export function formatOutcomeLine(recorded: RecordedOutcome): string {
  const note = recorded.error ?? recorded.detail ?? '';
  return `connector ${recorded.connectorId.padEnd(14)}  ${recorded.kind.padEnd(16)}  ${recorded.event.user.userName}  #${recorded.event.sequence}${recorded.attempt > 0 ? `  attempt ${recorded.attempt}` : ''}${note ? `  ${note}` : ''}`;
}

/**
 * The console line of a message that reached a dead-letter queue.
 *
 * @example
 * formatDeadLetterLine('connector-zendesk', letter); // 'dead-letter connector-zendesk  after 1 deliveries: Zendesk refused …'
 */
export function formatDeadLetterLine(queue: string, letter: DeadLetter): string {
  return `dead-letter ${queue}  after ${letter.receiveCount} deliveries: ${letter.reason}`;
}
