/**
 * The lifecycle event catalogue: one zod schema per event, the EventBridge `source`, and the
 * detail-type of each event (the event type itself, so a rule reads like the catalogue). The
 * relay, the local bus, the CDK rules and docs/events.schema.json all derive from this file.
 */
import { z } from 'zod';
import { envelopeShape, groupSnapshotSchema, userSnapshotSchema } from './envelope.ts';

/** EventBridge `source` of every event this connector publishes. Custom sources must not start with `aws.`. */
export const EVENT_SOURCE = 'scim.directory';

/**
 * The most members one group.member.* event may list (each event stays well under 256 KB). The
 * store writes a membership change in parts of at most a few dozen members (one DynamoDB
 * transaction each), numbered by `part`, all with the group's sequence.
 */
export const MAX_MEMBERS_PER_EVENT = 500;

const userEvent = <T extends string>(type: T, description: string) =>
  z.object({ type: z.literal(type), ...envelopeShape, user: userSnapshotSchema }).meta({ description });

const groupEvent = <T extends string>(type: T, description: string) =>
  z.object({ type: z.literal(type), ...envelopeShape, group: groupSnapshotSchema }).meta({ description });

const memberEvent = <T extends string>(type: T, description: string) =>
  z
    .object({
      type: z.literal(type),
      ...envelopeShape,
      group: groupSnapshotSchema,
      members: z
        .array(z.object({ value: z.string(), type: z.enum(['User', 'Group']).optional() }))
        .min(1)
        .max(MAX_MEMBERS_PER_EVENT),
      /** Which slice of one membership change this event carries (1-based), so a consumer knows when it has all. */
      part: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }),
    })
    .meta({ description });

export const eventSchemas = {
  'user.created': userEvent('user.created', 'A joiner: a user was created.'),
  'user.updated': userEvent('user.updated', 'A mover: attributes other than active changed.').extend({
    /**
     * Names of the attributes that changed: top-level core attributes (`displayName`, `emails`)
     * and extension attributes fully qualified (`urn:…:enterprise:2.0:User:department`).
     */
    changedAttributes: z.array(z.string()).min(1),
  }),
  'user.deactivated': userEvent(
    'user.deactivated',
    'A leaver: active went from true to false (what Entra ID and Okta send by default).',
  ),
  'user.reactivated': userEvent('user.reactivated', 'A returner: active went from false to true.'),
  'user.deleted': userEvent(
    'user.deleted',
    'A leaver: the user was deleted; the snapshot is its last state.',
  ),
  'group.created': groupEvent(
    'group.created',
    'A group was created; its initial members follow as group.member.added with the same sequence.',
  ),
  'group.updated': groupEvent('group.updated', 'A group attribute (not its members) changed.').extend({
    changedAttributes: z.array(z.string()).min(1),
  }),
  'group.deleted': groupEvent(
    'group.deleted',
    'A group was deleted, and with it every membership (no group.member.removed per member).',
  ),
  'group.member.added': memberEvent('group.member.added', 'Members joined a group (in parts).'),
  'group.member.removed': memberEvent(
    'group.member.removed',
    'Members left a group (in parts), including a deleted user leaving each of its groups.',
  ),
} as const;

export type EventType = keyof typeof eventSchemas;
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

/** Any event of the catalogue; `type` tells which. */
export const lifecycleEventSchema = z.discriminatedUnion('type', [
  eventSchemas['user.created'],
  eventSchemas['user.updated'],
  eventSchemas['user.deactivated'],
  eventSchemas['user.reactivated'],
  eventSchemas['user.deleted'],
  eventSchemas['group.created'],
  eventSchemas['group.updated'],
  eventSchemas['group.deleted'],
  eventSchemas['group.member.added'],
  eventSchemas['group.member.removed'],
]);

export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;
export type UserEvent = Extract<LifecycleEvent, { user: unknown }>;
/** The user event types a connector can act on. */
export type UserEventType = UserEvent['type'];
export type EventOf<T extends EventType> = Extract<LifecycleEvent, { type: T }>;

/** The EventBridge detail-type of an event: its type, e.g. `user.deactivated`. */
export function detailTypeOf(type: EventType): string {
  return type;
}

/** The resource an event is about: the user's or the group's id. */
export function subjectOf(event: LifecycleEvent): { kind: 'User' | 'Group'; id: string; name: string } {
  return 'user' in event
    ? { kind: 'User', id: event.user.id, name: event.user.userName }
    : { kind: 'Group', id: event.group.id, name: event.group.displayName };
}
