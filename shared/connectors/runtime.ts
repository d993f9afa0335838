/**
 * The connector runtime: what happens to one lifecycle event for one connector, whatever carries
 * it (SQS in Lambda, the local queue in `npm start`, a test calling it directly):
 *
 * 1. read the application's state in the ledger for the user;
 * 2. a redelivery of an event that already finished does nothing (idempotent by eventId);
 * 3. an event older than one already claimed for this user and application (lower sequence) is
 *    skipped and recorded as stale, so a late reactivation never undoes a later deactivation;
 * 4. while another event for the same user and application is being applied, wait (redeliver):
 *    two events never call the vendor for one account at once, so their calls cannot interleave;
 * 5. claim the state (conditional write), check scope, call the handler, record the outcome in
 *    the history and the state.
 *
 * The answer says what the carrier does with the message: done, redeliver later, or dead-letter.
 */
import type { UserEvent } from '../events/catalogue.ts';
import type {
  ApplicationState,
  HistoryEntry,
  HistoryKind,
  RevocationLedger,
} from '../ports/revocation-ledger.ts';
import type {
  ConnectorDefinition,
  ConnectorLogger,
  HandlerContext,
  Outcome,
  OutcomeStatus,
  VendorHttp,
} from './connector.ts';
import { errorText, PermanentError } from './errors.ts';
import { closedBy, outcomeSchema } from './outcome-check.ts';
import { restoreStateAfter } from './outcomes.ts';
import { type GroupReader, inScope, type Scope } from './scope.ts';
import { VendorTimeBudgetError } from './vendor-http-errors.ts';

/** A connector ready to run: its definition with validated settings, its scope, secrets and HTTP client. */
export interface PreparedConnector<Settings = unknown, Secrets = unknown> {
  /**
   * The id in the ledger: the definition's id, or `{id}-{name}` for one of several instances of
   * a connector (two manual tasks, two webhooks).
   */
  readonly id: string;
  /** The application's name in the evidence. */
  readonly application: string;
  readonly definition: ConnectorDefinition<Settings, Secrets>;
  readonly settings: Settings;
  readonly scope: Scope;
  /** The secrets, read on first use and cached by the source; throws PermanentError when they do not fit the schema. */
  secrets(): Promise<Secrets>;
  /** The vendor client of one event (its time budget starts now), from the definition's HTTP setup. */
  http(secrets: Secrets, log: ConnectorLogger): VendorHttp;
}

export interface RuntimeDependencies {
  readonly ledger: RevocationLedger;
  readonly groups: GroupReader;
  readonly log: ConnectorLogger;
  /**
   * How long a claim holds off other events for the same user and application. Longer than a
   * handler can run (the function's timeout), so it only expires when its holder died.
   */
  readonly leaseMs: number;
  readonly now?: () => Date;
  /** Told of every outcome recorded (the `npm start` console prints it). */
  readonly onRecorded?: (recorded: RecordedOutcome) => void;
}

/** Where the message stands with the queue that carries it. */
export interface Delivery {
  /** SQS ApproximateReceiveCount: 1 on the first delivery. */
  readonly receiveCount: number;
  /** The queue's redrive maxReceiveCount: the last delivery gives up instead of asking for another. */
  readonly maxReceiveCount: number;
}

export type Decision =
  | { readonly kind: 'done'; readonly status: OutcomeStatus }
  | { readonly kind: 'skipped'; readonly reason: 'duplicate' | 'stale' | 'not_subscribed' }
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterSeconds?: number }
  | { readonly kind: 'dead_letter'; readonly reason: string };

export interface RecordedOutcome {
  readonly connectorId: string;
  readonly application: string;
  readonly event: UserEvent;
  readonly kind: HistoryKind;
  readonly attempt: number;
  readonly detail?: string;
  readonly error?: string;
}

const FINAL_STATUSES: ReadonlySet<OutcomeStatus> = new Set([
  'revoked',
  'restored',
  'not_found',
  'out_of_scope',
  'manual_pending',
  'failed_permanent',
]);

/** Conditional writes lost to a concurrent writer are re-read and retried this often before redelivery. */
const MAX_CLAIM_ROUNDS = 5;

type AnyHandler = (event: UserEvent, context: HandlerContext<unknown, unknown>) => Promise<Outcome>;

/**
 * Applies one event for one connector and records it in the ledger.
 *
 * @example
 * const decision = await applyEvent(github, event, { receiveCount: 1, maxReceiveCount: 10 }, deps);
 * if (decision.kind === 'retry') // leave the message for redelivery
 */
export async function applyEvent(
  connector: PreparedConnector,
  event: UserEvent,
  delivery: Delivery,
  deps: RuntimeDependencies,
): Promise<Decision> {
  const { definition } = connector;
  const handler = definition.handlers[event.type] as AnyHandler | undefined;
  if (!handler) return { kind: 'skipped', reason: 'not_subscribed' };
  const now = () => (deps.now ?? (() => new Date()))();
  const { directoryId } = event;
  const userId = event.user.id;

  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const state = await deps.ledger.application(directoryId, userId, connector.id);
    if (state?.finishedEventIds.includes(event.eventId)) {
      // A failure recorded but not yet in the DLQ (the forward failed): forward it again.
      if (
        state.event?.eventId === event.eventId &&
        state.status === 'failed_permanent' &&
        !state.deadLetteredAt
      )
        return { kind: 'dead_letter', reason: state.error ?? state.detail ?? 'failed permanently' };
      return { kind: 'skipped', reason: 'duplicate' };
    }
    if (state && event.sequence < state.sequence) {
      await record(connector, event, deps, {
        kind: 'skipped_stale',
        attempt: 0,
        detail: `Skipped: sequence ${event.sequence} is older than ${state.sequence} (${state.event?.eventType ?? 'expected'}), already claimed for this user.`,
      });
      return { kind: 'skipped', reason: 'stale' };
    }
    const at = now();
    if (state?.lease && state.lease.eventId !== event.eventId && Date.parse(state.lease.until) > at.getTime())
      return { kind: 'retry', reason: `event ${state.lease.eventId} for this user is being applied` };

    const sameEvent = state?.event?.eventId === event.eventId;
    const claimed: ApplicationState = {
      ...(state ?? { finishedEventIds: [] }),
      connectorId: connector.id,
      application: connector.application,
      status: state?.status ?? 'pending',
      sequence: event.sequence,
      event: { eventId: event.eventId, eventType: event.type, sequence: event.sequence },
      finishedEventIds: state && state.sequence === event.sequence ? state.finishedEventIds : [],
      attempts: sameEvent && state ? state.attempts + 1 : 1,
      firstAttemptAt: sameEvent && state?.firstAttemptAt ? state.firstAttemptAt : at.toISOString(),
      updatedAt: at.toISOString(),
      lease: { eventId: event.eventId, until: new Date(at.getTime() + deps.leaseMs).toISOString() },
      version: (state?.version ?? 0) + 1,
    };
    if (!(await deps.ledger.putApplication(directoryId, userId, claimed, state?.version))) continue;
    return finish(connector, event, delivery, deps, claimed, handler);
  }
  return { kind: 'retry', reason: 'the ledger state kept changing under concurrent writers' };
}

async function finish(
  connector: PreparedConnector,
  event: UserEvent,
  delivery: Delivery,
  deps: RuntimeDependencies,
  claimed: ApplicationState,
  handler: AnyHandler,
): Promise<Decision> {
  let outcome = await outcomeOf(connector, event, deps, claimed, handler);
  if (outcome.status === 'failed_retryable' && delivery.receiveCount >= delivery.maxReceiveCount)
    outcome = {
      status: 'failed_permanent',
      detail: `Gave up after ${delivery.receiveCount} deliveries: ${outcome.detail ?? 'no detail'}`,
      ...(outcome.vendorReference ? { vendorReference: outcome.vendorReference } : {}),
    };
  const failed = outcome.status === 'failed_retryable' || outcome.status === 'failed_permanent';
  const closes = closedBy(outcome);
  await record(connector, event, deps, {
    kind: outcome.status,
    attempt: claimed.attempts,
    ...(outcome.detail && !failed ? { detail: outcome.detail } : {}),
    ...(outcome.detail && failed ? { error: outcome.detail } : {}),
    ...(outcome.vendorReference ? { vendorReference: outcome.vendorReference } : {}),
    ...(closes ? { closes } : {}),
  });
  await settle(event, deps, claimed, outcome);
  if (outcome.status === 'failed_retryable')
    return {
      kind: 'retry',
      reason: outcome.detail ?? 'retryable',
      ...(outcome.retryAfterSeconds !== undefined ? { retryAfterSeconds: outcome.retryAfterSeconds } : {}),
    };
  if (outcome.status === 'failed_permanent')
    return { kind: 'dead_letter', reason: outcome.detail ?? 'failed permanently' };
  return { kind: 'done', status: outcome.status };
}

/**
 * Writes the outcome onto the state and releases the lease. The evidence recorder may have
 * written the state meanwhile (an expectation): then the outcome goes onto what it wrote.
 */
async function settle(
  event: UserEvent,
  deps: RuntimeDependencies,
  claimed: ApplicationState,
  outcome: Outcome,
): Promise<void> {
  const failed = outcome.status === 'failed_retryable' || outcome.status === 'failed_permanent';
  const final = FINAL_STATUSES.has(outcome.status);
  const updatedAt = (deps.now ?? (() => new Date()))().toISOString();
  let current: ApplicationState | undefined = claimed;
  for (let round = 0; current && round < MAX_CLAIM_ROUNDS; round++) {
    if (current.lease?.eventId !== event.eventId) break;
    const {
      lease: _lease,
      detail: _detail,
      error: _error,
      vendorReference: _ref,
      instructions: _i,
      restoreState,
      closes: _closes,
      ...kept
    } = current;
    const keptForReturn = restoreStateAfter(outcome, restoreState);
    const closes = closedBy(outcome);
    const next: ApplicationState = {
      ...kept,
      status: outcome.status,
      finishedEventIds: final ? [...current.finishedEventIds, event.eventId] : current.finishedEventIds,
      updatedAt,
      ...(outcome.detail && !failed ? { detail: outcome.detail } : {}),
      ...(outcome.detail && failed ? { error: outcome.detail } : {}),
      ...(outcome.vendorReference ? { vendorReference: outcome.vendorReference } : {}),
      ...(outcome.instructions ? { instructions: outcome.instructions } : {}),
      ...(keptForReturn ? { restoreState: keptForReturn } : {}),
      ...(closes ? { closes } : {}),
      version: current.version + 1,
    };
    if (await deps.ledger.putApplication(event.directoryId, event.user.id, next, current.version)) return;
    current = await deps.ledger.application(event.directoryId, event.user.id, claimed.connectorId);
  }
  // Our lease expired and another delivery took over: the history keeps what we did.
  deps.log.warn('Ledger state moved on while the handler ran', logKeys(claimed.connectorId, event));
}

/** The handler's outcome, or out_of_scope, or the failure its throw means. Never throws. */
async function outcomeOf(
  connector: PreparedConnector,
  event: UserEvent,
  deps: RuntimeDependencies,
  claimed: ApplicationState,
  handler: AnyHandler,
): Promise<Outcome> {
  const attempt = claimed.attempts;
  try {
    if (!(await inScope(connector.scope, event, deps.groups)))
      return { status: 'out_of_scope', detail: 'The user is not in the connector’s scope.' };
    const secrets = await connector.secrets();
    const returned: unknown = await handler(event, {
      settings: connector.settings,
      secrets,
      http: connector.http(secrets, deps.log),
      log: deps.log,
      attempt,
      ...(claimed.restoreState ? { restoreState: claimed.restoreState } : {}),
    });
    const parsed = outcomeSchema.safeParse(returned);
    if (!parsed.success)
      return {
        status: 'failed_permanent',
        detail: `The ${connector.id} connector returned no valid outcome for ${event.type}.`,
      };
    return parsed.data;
  } catch (error) {
    deps.log.warn('Connector handler failed', { ...logKeys(connector.id, event), error: errorText(error) });
    if (error instanceof PermanentError)
      return {
        status: 'failed_permanent',
        detail: errorText(error),
        ...(error.vendorReference ? { vendorReference: error.vendorReference } : {}),
      };
    return {
      status: 'failed_retryable',
      detail: errorText(error),
      // The vendor asked to wait longer than this invocation had left: the redelivery waits instead.
      ...(error instanceof VendorTimeBudgetError && error.retryAfterMs !== undefined
        ? { retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000) }
        : {}),
    };
  }
}

async function record(
  connector: PreparedConnector,
  event: UserEvent,
  deps: RuntimeDependencies,
  entry: Omit<HistoryEntry, 'connectorId' | 'at' | 'eventId' | 'eventType' | 'sequence'>,
): Promise<void> {
  await deps.ledger.appendHistory(event.directoryId, event.user.id, {
    connectorId: connector.id,
    at: (deps.now ?? (() => new Date()))().toISOString(),
    eventId: event.eventId,
    eventType: event.type,
    sequence: event.sequence,
    ...entry,
  });
  deps.log.info('Connector outcome recorded', { ...logKeys(connector.id, event), outcome: entry.kind });
  deps.onRecorded?.({
    connectorId: connector.id,
    application: connector.application,
    event,
    kind: entry.kind,
    attempt: entry.attempt,
    ...(entry.detail ? { detail: entry.detail } : {}),
    ...(entry.error ? { error: entry.error } : {}),
  });
}

/**
 * Records that the event's message is in the connector's dead-letter queue, in the history and
 * on the state (so that a redelivery does not forward it twice).
 *
 * @example
 * await deadLetterQueue.send(body, reason);
 * await recordDeadLettered(github, event, deps);
 */
export async function recordDeadLettered(
  connector: PreparedConnector,
  event: UserEvent,
  deps: RuntimeDependencies,
): Promise<void> {
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const { directoryId } = event;
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const state = await deps.ledger.application(directoryId, event.user.id, connector.id);
    if (!state || state.event?.eventId !== event.eventId) break;
    // History first: its key is the entry itself, so a retry after a crash adds nothing twice.
    await deps.ledger.appendHistory(directoryId, event.user.id, {
      connectorId: connector.id,
      kind: 'dead_lettered',
      at,
      eventId: event.eventId,
      eventType: event.type,
      sequence: event.sequence,
      attempt: state.attempts,
      ...(state.error ? { error: state.error } : {}),
      detail: 'The message is in the connector’s dead-letter queue.',
    });
    const next = { ...state, deadLetteredAt: at, updatedAt: at, version: state.version + 1 };
    if (await deps.ledger.putApplication(directoryId, event.user.id, next, state.version)) return;
  }
}

/** Identifiers for a log line; never the snapshot (personal data). */
function logKeys(connectorId: string, event: UserEvent): Record<string, string | number> {
  return {
    connectorId,
    eventType: event.type,
    eventId: event.eventId,
    directoryId: event.directoryId,
    userId: event.user.id,
    sequence: event.sequence,
  };
}
