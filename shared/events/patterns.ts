/**
 * The event patterns connectors subscribe to, in EventBridge's own JSON form. One definition:
 * the CDK rules are built from these objects and the local bus routes by them, so what a
 * connector receives on a laptop is what it receives in AWS.
 */
import { EVENT_SOURCE, type EventType } from './catalogue.ts';

/**
 * The subset of EventBridge pattern syntax our patterns use: arrays of exact values, nested
 * under keys. (No prefix, numeric, anything-but or exists matchers: the local bus implements
 * exactly this subset, and a pattern outside it would fail to type-check here.)
 */
export interface EventPattern {
  readonly source?: readonly string[];
  readonly 'detail-type'?: readonly EventType[];
  readonly detail?: PatternFields;
}
export interface PatternFields {
  readonly [key: string]: readonly (string | number | boolean)[] | PatternFields;
}

const ofTypes = (...types: EventType[]): EventPattern => ({ source: [EVENT_SOURCE], 'detail-type': types });

/**
 * The pattern of exactly these event types: a connector's rule is built from the types it has
 * handlers for, so it receives nothing it would ignore.
 *
 * @example
 * patternOfTypes(['user.deactivated', 'user.deleted']); // same as eventPatterns.leavers
 */
export function patternOfTypes(types: readonly EventType[]): EventPattern {
  return ofTypes(...[...new Set(types)].sort());
}

export const eventPatterns = {
  /** Leavers: deprovision. Deactivation is the default leaver signal of Entra ID and Okta; deletion follows later if at all. */
  leavers: ofTypes('user.deactivated', 'user.deleted'),
  /** Joiners and returners: provision. */
  joiners: ofTypes('user.created', 'user.reactivated'),
  /** Movers: attributes changed (department, manager, email...). */
  movers: ofTypes('user.updated'),
  /** Every user event, for a connector that mirrors the whole lifecycle. */
  userLifecycle: ofTypes(
    'user.created',
    'user.updated',
    'user.deactivated',
    'user.reactivated',
    'user.deleted',
  ),
  /** Group membership, for connectors that map groups to application roles. */
  groupMembership: ofTypes('group.member.added', 'group.member.removed'),
  /** Everything this connector publishes (the archive, the local console). */
  all: { source: [EVENT_SOURCE] },
} as const satisfies Record<string, EventPattern>;

export type EventPatternName = keyof typeof eventPatterns;

/**
 * Narrows a pattern to one directory, for a connector that serves only some of them.
 *
 * @example
 * const rule = forDirectory(eventPatterns.leavers, 'contoso');
 * // { source: ['scim.directory'], 'detail-type': ['user.deactivated', 'user.deleted'], detail: { directoryId: ['contoso'] } }
 */
export function forDirectory(pattern: EventPattern, ...directoryIds: string[]): EventPattern {
  return { ...pattern, detail: { ...pattern.detail, directoryId: directoryIds } };
}

/**
 * The same pattern in the shape of aws-cdk-lib's `events.EventPattern` (camelCase
 * `detailType`), without importing CDK into the runtime library.
 *
 * @example
 * new events.Rule(this, 'Leavers', { eventBus, eventPattern: cdkEventPattern(eventPatterns.leavers) });
 */
export function cdkEventPattern(pattern: EventPattern): {
  source?: string[];
  detailType?: string[];
  detail?: Record<string, unknown>;
} {
  return {
    ...(pattern.source ? { source: [...pattern.source] } : {}),
    ...(pattern['detail-type'] ? { detailType: [...pattern['detail-type']] } : {}),
    ...(pattern.detail ? { detail: structuredClone(pattern.detail) as Record<string, unknown> } : {}),
  };
}
