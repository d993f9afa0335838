import type { UserEventType } from '../events/catalogue.ts';
import type { AccessPath, OutcomeStatus } from './outcome.ts';

/**
 * What the ledger says of one application for one user:
 * - an outcome of the connector (`revoked`, `not_found`, `failed_permanent`...);
 * - `pending`: the application is expected to act for a leaver and has not reported yet;
 * - `confirmed`: an operator confirmed a manual task (or did by hand what the connector could not).
 */
export type ApplicationStatus = OutcomeStatus | 'pending' | 'confirmed';

/** The event an application state is about. */
export interface EventRef {
  readonly eventId: string;
  readonly eventType: UserEventType;
  readonly sequence: number;
}

/**
 * The current state of one application for one user. Replaced only by a conditional write on
 * `version`; every change also appends a {@link HistoryEntry}, which is what an auditor reads.
 */
export interface ApplicationState {
  readonly connectorId: string;
  /** The application's name as an auditor knows it. */
  readonly application: string;
  readonly status: ApplicationStatus;
  /**
   * The highest event sequence claimed for this user and application: an event with a lower one
   * is stale and skipped, so a late reactivation cannot undo a later deactivation. 0 when the
   * state only records an expectation.
   */
  readonly sequence: number;
  /** The event the status is about (absent while only expected). */
  readonly event?: EventRef;
  /** Events of `sequence` that reached a final outcome: a redelivery of one of them does nothing. */
  readonly finishedEventIds: readonly string[];
  /** Handler invocations for `event` (1 = first). */
  readonly attempts: number;
  readonly firstAttemptAt?: string;
  readonly updatedAt: string;
  readonly detail?: string;
  readonly vendorReference?: string;
  readonly instructions?: string;
  readonly error?: string;
  /** What the last revocation kept for a return (Outcome.restoreState), until a restore uses it. */
  readonly restoreState?: Readonly<Record<string, string>>;
  /**
   * For `revoked`: the ways in the connector said its revocation closed; for `confirmed`: the ways
   * the operator said they closed. Absent when nothing was claimed: the evidence never guesses.
   */
  readonly closes?: readonly AccessPath[];
  /**
   * Held while a handler runs: another event for the same user and application waits (it is
   * redelivered later) until the holder finishes or the lease expires, so two events never call
   * the vendor for the same account at once.
   */
  readonly lease?: { readonly eventId: string; readonly until: string };
  /** When the message of a failed event was put in the connector's dead-letter queue. */
  readonly deadLetteredAt?: string;
  /** Set by the evidence recorder: this application must act for the leaver (its scope includes them). */
  readonly expected?: {
    readonly since: string;
    readonly sequence: number;
    readonly eventType: UserEventType;
  };
  /** For `confirmed`: who confirmed. */
  readonly confirmedBy?: string;
  /** Incremented on every write; the next write is conditional on it. */
  readonly version: number;
}

/** What a history entry records: an outcome, a skip, an operator's confirmation, a dead-lettering. */
export type HistoryKind = OutcomeStatus | 'skipped_stale' | 'confirmed' | 'dead_lettered';

/** One line of the append-only history: never overwritten, never removed. */
export interface HistoryEntry {
  readonly connectorId: string;
  readonly kind: HistoryKind;
  readonly at: string;
  readonly eventId: string;
  readonly eventType: UserEventType | 'operator';
  readonly sequence: number;
  readonly attempt: number;
  readonly detail?: string;
  readonly vendorReference?: string;
  readonly error?: string;
  /** For `revoked` and `confirmed`: the ways into the application this closed, as claimed. */
  readonly closes?: readonly AccessPath[];
  /** For `confirmed`: the operator. */
  readonly by?: string;
}

/** When the IdP said a user left, and whether they came back. Times are the events' `occurredAt`. */
export interface LeaverRecord {
  readonly userId: string;
  readonly userName: string;
  readonly displayName?: string;
  readonly externalId?: string;
  /** The latest deactivation seen (user.deactivated). */
  readonly deactivatedAt?: string;
  /** The deletion (user.deleted). */
  readonly deletedAt?: string;
  /** The latest reactivation after leaving (user.reactivated). */
  readonly reactivatedAt?: string;
  /** The first leaver event of the current leaving (after the last return, if any). */
  readonly leftAt: string;
  readonly leftSequence: number;
  /** Highest sequence of a leaver event, and of a reactivation: the user is a leaver while the first is higher. */
  readonly leaverSequence: number;
  readonly returnedSequence: number;
  /** When the recorder first saw this user leave. */
  readonly recordedAt: string;
  /**
   * The `leftSequence` for which every application expected to act has been written. The record
   * is written first and the expectations after it, so until this reaches `leftSequence` nobody
   * can yet say which applications must act: the leaving cannot be complete.
   */
  readonly expectationsRecordedFor?: number;
  readonly version: number;
}

/** Everything the ledger holds about one user, read at once. */
export interface UserLedger {
  readonly leaver?: LeaverRecord;
  readonly applications: readonly ApplicationState[];
  /** In the order the entries were made. */
  readonly history: readonly HistoryEntry[];
}

/**
 * The revocation ledger: per (directory, user, application) the current state and an
 * append-only history; per leaver the times the IdP gave. Owned by the connector runtime and the
 * evidence reports. Writes are conditional: a state or leaver record is replaced only if its
 * `version` is the one read (else the method answers false and the caller re-reads), a history
 * entry is created only if absent (a second write of the same entry changes nothing).
 */
export interface RevocationLedger {
  application(
    directoryId: string,
    userId: string,
    connectorId: string,
  ): Promise<ApplicationState | undefined>;
  /**
   * Writes `next` (its version must be `previousVersion + 1`, or 1 for a first write) if the
   * stored version is still `previousVersion` (absent: no state yet). False when it moved on.
   */
  putApplication(
    directoryId: string,
    userId: string,
    next: ApplicationState,
    previousVersion: number | undefined,
  ): Promise<boolean>;
  /** Appends an entry; false when that very entry exists already (it is left as it was). */
  appendHistory(directoryId: string, userId: string, entry: HistoryEntry): Promise<boolean>;
  leaver(directoryId: string, userId: string): Promise<LeaverRecord | undefined>;
  /**
   * Writes the leaver record on the same terms as putApplication, and makes sure the user is
   * found by the time it left and by userName (idempotent index entries).
   */
  putLeaver(directoryId: string, next: LeaverRecord, previousVersion: number | undefined): Promise<boolean>;
  /** The user's ledger: leaver record, application states and history, in one read. */
  userLedger(directoryId: string, userId: string): Promise<UserLedger>;
  /** Ids of users who started leaving in [since, until), oldest first, each once. */
  leaversBetween(directoryId: string, since: string, until?: string): Promise<string[]>;
  /** Ids of leavers with this userName (case-insensitive). */
  leaversNamed(directoryId: string, userName: string): Promise<string[]>;
}
