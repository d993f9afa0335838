/**
 * User lifecycle events as the relay makes them (same ids, same shape), for tests that feed the
 * connector runtime directly.
 */
import type { EventOf } from '../../shared/events/catalogue.ts';
import type { UserSnapshot } from '../../shared/events/envelope.ts';
import { eventIdOf } from '../../shared/events/from-change.ts';

type SimpleType = 'user.created' | 'user.deactivated' | 'user.reactivated' | 'user.deleted';

export interface EventOptions {
  readonly userId?: string;
  readonly userName?: string;
  readonly sequence: number;
  readonly directoryId?: string;
  readonly occurredAt?: string;
  readonly groups?: readonly string[];
}

/**
 * @example
 * const left = userEvent('user.deactivated', { userId: 'u1', sequence: 3 });
 */
export function userEvent<T extends SimpleType>(type: T, options: EventOptions): EventOf<T> {
  const directoryId = options.directoryId ?? 'default';
  const id = options.userId ?? 'u1';
  const userName = options.userName ?? `${id}@example.com`;
  const user: UserSnapshot = {
    id,
    userName,
    displayName: `User ${id}`,
    active: type !== 'user.deactivated' && type !== 'user.deleted',
    emails: [{ value: userName, type: 'work', primary: true }],
    ...(options.groups ? { groups: [...options.groups] } : {}),
  };
  return {
    type,
    eventId: eventIdOf(directoryId, 'User', id, options.sequence, type),
    directoryId,
    occurredAt: options.occurredAt ?? new Date(Date.UTC(2026, 5, 30, 17, 0, options.sequence)).toISOString(),
    sequence: options.sequence,
    actor: { kind: 'token', id: 'tok-1', label: 'Entra ID' },
    user,
  } as EventOf<T>;
}

/** The SQS message EventBridge would deliver for the event. */
export function sqsRecordOf(
  event: { type: string },
  options: { receiveCount?: number; messageId?: string } = {},
) {
  return {
    messageId: options.messageId ?? `m-${Math.random().toString(36).slice(2)}`,
    receiptHandle: 'receipt',
    body: JSON.stringify({
      version: '0',
      id: 'bus-id',
      'detail-type': event.type,
      source: 'scim.directory',
      account: '000000000000',
      time: '2026-06-30T17:00:00Z',
      region: 'local',
      resources: [],
      detail: event,
    }),
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '0',
      SenderId: 'events',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:acme-chat',
    awsRegion: 'local',
  };
}
