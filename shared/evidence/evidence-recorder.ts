/**
 * The evidence recorder: subscribed to leavers (and returners), it writes, the first time a
 * leaver event is seen, who left and when, and which applications must act: every enabled
 * connector that handles this event type and whose scope includes the user. Each such
 * application gets a `pending` state (unless the connector was faster and already wrote one),
 * so an application that never reports shows as pending, never as absent.
 *
 * It runs beside the connectors, not inside them: a connector whose queue, function or secret is
 * broken cannot report that it was expected, so the expectation must come from elsewhere.
 */

import type { UserEventType } from '../connectors/connector.ts';
import { type GroupReader, inScope, type Scope } from '../connectors/scope.ts';
import type { UserEvent } from '../events/catalogue.ts';
import type { ApplicationState, LeaverRecord, RevocationLedger } from '../ports/revocation-ledger.ts';

/** An enabled connector as the recorder knows it: from the registry and the deployment's configuration. */
export interface ConnectorPlan {
  readonly id: string;
  readonly application: string;
  /** The event types it has handlers for. */
  readonly events: readonly UserEventType[];
  readonly scope: Scope;
}

export interface RecorderDependencies {
  readonly ledger: RevocationLedger;
  readonly groups: GroupReader;
  readonly now?: () => Date;
}

/** The event types the recorder subscribes to. */
export const RECORDED_EVENT_TYPES = ['user.deactivated', 'user.deleted', 'user.reactivated'] as const;

const MAX_ROUNDS = 5;

/**
 * Records one lifecycle event in the ledger; idempotent (a redelivery changes nothing more).
 * Answers the connectors expected to act (empty for a reactivation or a stale leaver event).
 *
 * @example
 * await recordLifecycleEvent(event, plans, { ledger, groups });
 */
export async function recordLifecycleEvent(
  event: UserEvent,
  plans: readonly ConnectorPlan[],
  deps: RecorderDependencies,
): Promise<string[]> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  if (event.type === 'user.reactivated') {
    await updateLeaver(event, deps, (current) => (current ? returned(current, event) : undefined));
    return [];
  }
  if (event.type !== 'user.deactivated' && event.type !== 'user.deleted') return [];
  const leaver = await updateLeaver(event, deps, (current) => left(current, event, now));
  // A leaver event older than the user's return is history, not a leaving to act on.
  if (!leaver || event.sequence <= leaver.returnedSequence) return [];

  const expected = await Promise.all(
    plans.map(async (plan) => {
      if (!plan.events.includes(event.type)) return undefined;
      if (!(await inScope(plan.scope, event, deps.groups))) return undefined;
      await expect(event, plan, leaver.leftSequence, now, deps.ledger);
      return plan.id;
    }),
  );
  // Only now may the evidence call this leaving complete: a crash before this line leaves it
  // incomplete, and the redelivered event writes the expectations and this mark.
  await updateLeaver(
    event,
    deps,
    (current) =>
      current &&
      current.leftSequence === leaver.leftSequence &&
      (current.expectationsRecordedFor ?? 0) < leaver.leftSequence
        ? { ...current, expectationsRecordedFor: leaver.leftSequence, version: current.version + 1 }
        : current,
    // Just written or read: the write is tried on it, and only a concurrent writer costs a re-read.
    leaver,
  );
  return expected.filter((id): id is string => id !== undefined);
}

/**
 * Reads the leaver record (or starts from `known`), applies `change`, writes it back on the
 * version read; re-reads on a conflict.
 */
async function updateLeaver(
  event: UserEvent,
  deps: RecorderDependencies,
  change: (current: LeaverRecord | undefined) => LeaverRecord | undefined,
  known?: LeaverRecord,
): Promise<LeaverRecord | undefined> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const current = round === 0 && known ? known : await deps.ledger.leaver(event.directoryId, event.user.id);
    const next = change(current);
    // Unchanged: the index entries were written before the record (see putLeaver), so nothing is missing.
    if (!next || next === current) return current;
    if (await deps.ledger.putLeaver(event.directoryId, next, current?.version)) return next;
  }
  throw new Error(`The leaver record of ${event.user.id} kept changing under concurrent writers.`);
}

/** The record after a leaver event: a new leaving if the user was not gone, else the same leaving with more facts. */
function left(current: LeaverRecord | undefined, event: UserEvent, now: string): LeaverRecord {
  const timeField = event.type === 'user.deleted' ? 'deletedAt' : 'deactivatedAt';
  const identity = {
    userId: event.user.id,
    userName: event.user.userName,
    ...(event.user.displayName !== undefined ? { displayName: event.user.displayName } : {}),
    ...(event.user.externalId !== undefined ? { externalId: event.user.externalId } : {}),
  };
  if (!current)
    return {
      ...identity,
      [timeField]: event.occurredAt,
      leftAt: event.occurredAt,
      leftSequence: event.sequence,
      leaverSequence: event.sequence,
      returnedSequence: 0,
      recordedAt: now,
      version: 1,
    };
  if (event.sequence <= current.returnedSequence) return current;
  const newLeaving = current.returnedSequence >= current.leaverSequence;
  const latest = event.sequence > current.leaverSequence;
  const earliest = newLeaving || event.sequence < current.leftSequence;
  if (!latest && !earliest && current[timeField] !== undefined) return current;
  return {
    ...current,
    ...identity,
    ...(latest || current[timeField] === undefined ? { [timeField]: event.occurredAt } : {}),
    ...(earliest ? { leftAt: event.occurredAt, leftSequence: event.sequence } : {}),
    leaverSequence: Math.max(current.leaverSequence, event.sequence),
    version: current.version + 1,
  };
}

/** The record after a reactivation: the user returned, unless that reactivation predates the leaving. */
function returned(current: LeaverRecord, event: UserEvent): LeaverRecord {
  if (event.sequence <= current.returnedSequence || event.sequence <= current.leaverSequence) return current;
  return {
    ...current,
    reactivatedAt: event.occurredAt,
    returnedSequence: event.sequence,
    version: current.version + 1,
  };
}

/** Marks the application as expected to act for this leaving, creating a pending state when it has none. */
async function expect(
  event: UserEvent,
  plan: ConnectorPlan,
  leftSequence: number,
  now: string,
  ledger: RevocationLedger,
): Promise<void> {
  const expected = { since: now, sequence: event.sequence, eventType: event.type };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const state = await ledger.application(event.directoryId, event.user.id, plan.id);
    if (state?.expected && state.expected.sequence >= leftSequence) return;
    const next: ApplicationState = state
      ? { ...state, expected, version: state.version + 1 }
      : {
          connectorId: plan.id,
          application: plan.application,
          status: 'pending',
          sequence: 0,
          finishedEventIds: [],
          attempts: 0,
          updatedAt: now,
          expected,
          version: 1,
        };
    if (await ledger.putApplication(event.directoryId, event.user.id, next, state?.version)) return;
  }
  throw new Error(`The ${plan.id} state of ${event.user.id} kept changing under concurrent writers.`);
}
