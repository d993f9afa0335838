/**
 * Evidence for auditors, read from the revocation ledger: for one leaver, when the IdP
 * deactivated or deleted them and, application by application, what happened and when; for a
 * period, every leaver with complete or incomplete, and every application not revoked with why.
 * Also the one write an operator makes: confirming a manual task.
 */

import { ACCESS_PATHS, type AccessPath } from '../connectors/connector.ts';
import type {
  ApplicationState,
  ApplicationStatus,
  HistoryEntry,
  LeaverRecord,
  RevocationLedger,
} from '../ports/revocation-ledger.ts';

/** Statuses that close an application for a leaver. */
const DONE: ReadonlySet<ApplicationStatus> = new Set(['revoked', 'not_found', 'confirmed', 'out_of_scope']);

export interface ApplicationEvidence {
  readonly connectorId: string;
  readonly application: string;
  /** The recorder expected this application to act (its scope included the user when they left). */
  readonly expected: boolean;
  /** For this leaving: `pending` until the application reports. */
  readonly status: ApplicationStatus;
  readonly done: boolean;
  /** Why not done (or what was done), in a sentence. */
  readonly why: string;
  readonly firstAttemptAt?: string;
  /** When the status was reached. */
  readonly at?: string;
  readonly attempts: number;
  readonly vendorReference?: string;
  readonly error?: string;
  readonly confirmedBy?: string;
  /**
   * The ways into the application this leaving's revocation closed (`login`, `sessions`,
   * `apiTokens`, `seat`), as the connector's outcome or the operator's confirmation said. Empty
   * when nothing was claimed, or nothing is revoked yet: never a guess.
   */
  readonly closes: readonly AccessPath[];
  /** The history entries of this application for this leaving, oldest first. */
  readonly history: readonly HistoryEntry[];
}

export interface LeaverEvidence {
  readonly directoryId: string;
  readonly user: Pick<LeaverRecord, 'userId' | 'userName' | 'displayName' | 'externalId'>;
  readonly deactivatedAt?: string;
  readonly deletedAt?: string;
  readonly leftAt: string;
  /** `returned`: reactivated after leaving (reactivatedAt says when); completeness is then moot. */
  readonly state: 'left' | 'returned';
  readonly reactivatedAt?: string;
  /** Every expected application done. */
  readonly complete: boolean;
  readonly applications: readonly ApplicationEvidence[];
}

export interface EvidenceReport {
  readonly directoryId: string;
  readonly since: string;
  readonly until?: string;
  readonly generatedAt: string;
  readonly leavers: readonly LeaverEvidence[];
  readonly complete: number;
  readonly incomplete: number;
  readonly returned: number;
}

/** The operator's confirmation of a manual task was refused, and why. */
export class ConfirmationRefused extends Error {
  override readonly name = 'ConfirmationRefused';
}

export class EvidenceService {
  constructor(
    private readonly ledger: RevocationLedger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The users a reference names: leavers with that userName, else the id itself if the ledger
   * knows it.
   *
   * @example
   * await evidence.resolve('default', 'ada@example.com'); // ['4d94e544-…']
   */
  async resolve(directoryId: string, userIdOrName: string): Promise<string[]> {
    const named = await this.ledger.leaversNamed(directoryId, userIdOrName);
    if (named.length > 0) return named;
    const ledger = await this.ledger.userLedger(directoryId, userIdOrName);
    return ledger.leaver || ledger.applications.length > 0 ? [userIdOrName] : [];
  }

  /** The evidence for one leaver; undefined when the user never left. */
  async leaver(directoryId: string, userId: string): Promise<LeaverEvidence | undefined> {
    const { leaver, applications, history } = await this.ledger.userLedger(directoryId, userId);
    if (!leaver) return undefined;
    const evidence = applications
      .map((state) => applicationEvidence(state, leaver, history))
      .filter((app): app is ApplicationEvidence => app !== undefined);
    const returned = leaver.returnedSequence > leaver.leaverSequence;
    return {
      directoryId,
      user: {
        userId: leaver.userId,
        userName: leaver.userName,
        ...(leaver.displayName !== undefined ? { displayName: leaver.displayName } : {}),
        ...(leaver.externalId !== undefined ? { externalId: leaver.externalId } : {}),
      },
      ...(leaver.deactivatedAt ? { deactivatedAt: leaver.deactivatedAt } : {}),
      ...(leaver.deletedAt ? { deletedAt: leaver.deletedAt } : {}),
      leftAt: leaver.leftAt,
      state: returned ? 'returned' : 'left',
      ...(leaver.reactivatedAt && returned ? { reactivatedAt: leaver.reactivatedAt } : {}),
      // Not before the recorder has written which applications must act for this leaving.
      complete:
        (leaver.expectationsRecordedFor ?? 0) >= leaver.leftSequence &&
        evidence.every((app) => !app.expected || app.done),
      applications: evidence,
    };
  }

  /**
   * Every leaver whose leaving began in [since, until), oldest first.
   *
   * @example
   * const report = await evidence.report('default', '2026-01-01T00:00:00.000Z');
   * report.incomplete; // leavers with an application not revoked
   */
  async report(directoryId: string, since: string, until?: string): Promise<EvidenceReport> {
    const ids = await this.ledger.leaversBetween(directoryId, since, until);
    const leavers: LeaverEvidence[] = [];
    // A few reads at a time: a quarter's report should not throttle the table.
    for (let at = 0; at < ids.length; at += 8) {
      const batch = await Promise.all(ids.slice(at, at + 8).map((id) => this.leaver(directoryId, id)));
      for (const leaver of batch) if (leaver) leavers.push(leaver);
    }
    const returned = leavers.filter((leaver) => leaver.state === 'returned').length;
    const complete = leavers.filter((leaver) => leaver.state === 'left' && leaver.complete).length;
    return {
      directoryId,
      since,
      ...(until ? { until } : {}),
      generatedAt: this.now().toISOString(),
      leavers,
      complete,
      incomplete: leavers.length - returned - complete,
      returned,
    };
  }

  /**
   * Records an operator's confirmation that an application's access was removed (a manual
   * task, or by hand what the connector could not do): who and when, and what the operator says
   * they closed (nothing claimed unless they say), in the history and the state.
   *
   * @example
   * await evidence.confirm('default', userId, 'manual-payroll', 'Grace Hopper', ['login', 'seat']);
   */
  async confirm(
    directoryId: string,
    userId: string,
    connectorId: string,
    by: string,
    closes: readonly AccessPath[] = [],
  ): Promise<ApplicationState> {
    const claimed = ACCESS_PATHS.filter((path) => closes.includes(path));
    for (let round = 0; round < 5; round++) {
      const state = await this.ledger.application(directoryId, userId, connectorId);
      if (!state)
        throw new ConfirmationRefused(
          `The ledger has nothing of ${connectorId} for user ${userId}: nothing to confirm.`,
        );
      if (state.status === 'revoked' || state.status === 'not_found' || state.status === 'confirmed')
        throw new ConfirmationRefused(`${state.application} is already ${state.status} for user ${userId}.`);
      const at = this.now().toISOString();
      // Whatever an earlier outcome claimed is not what the operator confirms.
      const { closes: _earlier, ...rest } = state;
      const next: ApplicationState = {
        ...rest,
        status: 'confirmed',
        confirmedBy: by,
        detail: `Confirmed by ${by}.`,
        ...(claimed.length > 0 ? { closes: claimed } : {}),
        updatedAt: at,
        version: state.version + 1,
      };
      if (!(await this.ledger.putApplication(directoryId, userId, next, state.version))) continue;
      await this.ledger.appendHistory(directoryId, userId, {
        connectorId,
        kind: 'confirmed',
        at,
        eventId: state.event?.eventId ?? 'expected',
        eventType: 'operator',
        sequence: state.sequence,
        attempt: state.attempts,
        by,
        ...(claimed.length > 0 ? { closes: claimed } : {}),
        detail: `Confirmed by ${by}${state.instructions ? ` (task: ${state.instructions})` : ''}.`,
      });
      return next;
    }
    throw new ConfirmationRefused('The state kept changing; try again.');
  }
}

/** One application's evidence for the current leaving; undefined when it has nothing to say about it. */
function applicationEvidence(
  state: ApplicationState,
  leaver: LeaverRecord,
  history: readonly HistoryEntry[],
): ApplicationEvidence | undefined {
  const expected = state.expected !== undefined && state.expected.sequence >= leaver.leftSequence;
  const actedOnLeaving = state.sequence >= leaver.leftSequence;
  // Neither expected nor acting on this leaving (a joiner event of long ago): not part of this evidence.
  if (!expected && !actedOnLeaving) return undefined;
  const status: ApplicationStatus = actedOnLeaving || state.status === 'confirmed' ? state.status : 'pending';
  const entries = history.filter(
    (entry) => entry.connectorId === state.connectorId && entry.sequence >= leaver.leftSequence,
  );
  return {
    connectorId: state.connectorId,
    application: state.application,
    expected,
    status,
    done: DONE.has(status),
    // A lease of an earlier leaving says nothing about this one.
    why: whyOf(status, actedOnLeaving ? state : withoutLease(state)),
    ...(actedOnLeaving && state.firstAttemptAt ? { firstAttemptAt: state.firstAttemptAt } : {}),
    ...(actedOnLeaving || status === 'confirmed' ? { at: state.updatedAt } : {}),
    attempts: actedOnLeaving ? state.attempts : 0,
    ...(state.vendorReference && actedOnLeaving ? { vendorReference: state.vendorReference } : {}),
    ...(state.error && actedOnLeaving ? { error: state.error } : {}),
    ...(state.confirmedBy ? { confirmedBy: state.confirmedBy } : {}),
    closes: closesOf(status, actedOnLeaving, state),
    history: entries,
  };
}

/** What the evidence may say was closed: only what a revocation or confirmation of this leaving claimed. */
function closesOf(status: ApplicationStatus, actedOnLeaving: boolean, state: ApplicationState): AccessPath[] {
  if (status === 'confirmed' || (status === 'revoked' && actedOnLeaving)) return [...(state.closes ?? [])];
  return [];
}

function withoutLease(state: ApplicationState): ApplicationState {
  const { lease: _lease, ...rest } = state;
  return rest;
}

/** The text as a sentence: one final full stop, not two. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function whyOf(status: ApplicationStatus, state: ApplicationState): string {
  switch (status) {
    case 'revoked':
      return state.detail ?? 'Access revoked.';
    case 'not_found':
      return state.detail ?? 'No account in the application (nothing to revoke).';
    case 'confirmed':
      return `Confirmed by ${state.confirmedBy ?? 'an operator'}.`;
    case 'out_of_scope':
      return state.detail ?? 'Not in the connector’s scope when processed.';
    case 'pending':
      // A claim without an outcome: running now, or its function stopped (crash, timeout) and
      // the queue will deliver again or, out of deliveries, has moved it to the DLQ.
      return state.lease && state.attempts > 0
        ? `Being applied (attempt ${state.attempts}, since ${state.firstAttemptAt ?? state.updatedAt}); if this lasts, check the connector's DLQ.`
        : 'Expected to act; no report from the application yet.';
    case 'manual_pending':
      return sentence(
        `Manual task waiting for an operator: ${state.instructions ?? state.detail ?? 'see the connector'}`,
      );
    case 'failed_retryable':
      return sentence(`Retrying (attempt ${state.attempts}): ${state.error ?? 'no detail'}`);
    case 'failed_permanent':
      return sentence(
        `Failed${state.deadLetteredAt ? ', message in the dead-letter queue' : ''}: ${state.error ?? 'no detail'}`,
      );
    case 'restored':
      return 'Access restored (the user returned).';
  }
}
