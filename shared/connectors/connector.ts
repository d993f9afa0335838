/**
 * What a connector is: the application it serves, the lifecycle events it acts on, and one typed
 * handler per event that calls the vendor's API and says what happened. Everything around a
 * handler (queueing, retries of whole events, idempotency, stale-event protection, scope, the
 * revocation ledger) is the connector runtime's job, so a connector stays a page long.
 *
 * @example
 * export default defineConnector({
 *   id: 'zoom',
 *   application: 'Zoom',
 *   settings: z.object({ apiBaseUrl: z.url().default('https://api.zoom.us/v2') }),
 *   secrets: z.object({ accountId: z.string(), clientId: z.string(), clientSecret: z.string() }),
 *   handlers: {
 *     'user.deactivated': async (event, { http, settings }) => { ... return { status: 'revoked' }; },
 *   },
 * });
 */
import type { z } from 'zod';
import type { EventOf, UserEventType } from '../events/catalogue.ts';
import type { AccessPath, OutcomeStatus } from '../ports/outcome.ts';

export type { AccessPath, OutcomeStatus };

/** Every access path, in the order the evidence lists them. */
export const ACCESS_PATHS: readonly AccessPath[] = ['login', 'sessions', 'apiTokens', 'seat'];

export interface Outcome {
  readonly status: OutcomeStatus;
  /**
   * For revoked: which ways into the application this revocation closed (see {@link AccessPath}).
   * What it leaves open is the rest, and the connector's docs say why.
   */
  readonly closes?: readonly AccessPath[];
  /** A sentence for the evidence: what was done, or why it failed. */
  readonly detail?: string;
  /** The vendor's id of the request or of the account acted on, for the auditor to cross-check. */
  readonly vendorReference?: string;
  /** For manual_pending: what the operator has to do. */
  readonly instructions?: string;
  /**
   * For failed_retryable: the vendor asked not to be called again for this long (Retry-After).
   * The next delivery waits at least that long, whatever the backoff schedule says.
   */
  readonly retryAfterSeconds?: number;
  /**
   * For revoked: what the connector needs to give back to a returner that the vendor cannot tell
   * it later (Zoom forgets a deactivated user's licence type). The runtime keeps it with the
   * ledger state and hands it to the next `user.reactivated` handler as `context.restoreState`.
   * A revocation that returns none (an account already revoked) keeps the earlier one.
   */
  readonly restoreState?: Readonly<Record<string, string>>;
}

export type { UserEventType };

/** A response from a vendor API. The client has already retried 429s and 5xx as configured. */
export interface VendorResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or undefined when there is none or it is not JSON. */
  readonly body: unknown;
  /** The vendor's request id header, when it sends one. */
  readonly requestId?: string;
}

export interface VendorRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute, or relative to the base URL the client was made with. */
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as is (form bodies, signed payloads). */
  readonly body?: string;
}

/**
 * HTTP to a vendor: timeouts, retries with exponential backoff and jitter on network errors, 429
 * (honouring Retry-After) and 5xx. Never throws for an HTTP status: the handler decides what a
 * status means (404 = not_found, 401 = failed_permanent...). Throws only when retries ran out on
 * network errors or the time budget, and the runtime records that as failed_retryable.
 */
export interface VendorHttp {
  request(request: VendorRequest): Promise<VendorResponse>;
}

/**
 * How a connector authenticates to its vendor. `headers` is called before every request; after a
 * 401 it is called once more with `fresh: true` when `refreshable` (token flows: the cached token
 * may have expired or been revoked), and the request is retried once with the new headers. `http`
 * is an unauthenticated client under the same time budget, for token endpoints.
 */
export interface VendorAuth {
  readonly refreshable: boolean;
  headers(request: { readonly http: VendorHttp; readonly fresh: boolean }): Promise<Record<string, string>>;
}

/** What a connector tells the runtime about its vendor's HTTP API, from its settings and secrets. */
export interface VendorHttpSetup {
  /** Relative request URLs are appended to it (`https://api.zoom.us/v2` + `users/x`). */
  readonly baseUrl?: string;
  /** Sent on every request (API version, Accept). */
  readonly headers?: Record<string, string>;
  readonly auth?: VendorAuth;
  /** Response headers carrying the vendor's request id, first present wins (`x-github-request-id`). */
  readonly requestIdHeaders?: readonly string[];
}

export interface ConnectorLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface HandlerContext<Settings, Secrets> {
  /** The connector's non-secret configuration (stack config in AWS, local config in `npm start`). */
  readonly settings: Settings;
  /** Read from Secrets Manager in AWS; from a git-ignored local file or the environment locally. */
  readonly secrets: Secrets;
  readonly http: VendorHttp;
  readonly log: ConnectorLogger;
  /** Which delivery of this event this is (1 = first). */
  readonly attempt: number;
  /** What the last revocation of this user in this application kept for a return (see {@link Outcome.restoreState}). */
  readonly restoreState?: Readonly<Record<string, string>>;
}

export type ConnectorHandlers<Settings, Secrets> = {
  readonly [T in UserEventType]?: (
    event: EventOf<T>,
    context: HandlerContext<Settings, Secrets>,
  ) => Promise<Outcome>;
};

export interface ConnectorDefinition<Settings = unknown, Secrets = unknown> {
  /** Stable identifier, kebab-case: names the ledger entries, the queue and the function. */
  readonly id: string;
  /** The application's name as an auditor knows it. */
  readonly application: string;
  readonly settings: z.ZodType<Settings>;
  readonly secrets: z.ZodType<Secrets>;
  readonly handlers: ConnectorHandlers<Settings, Secrets>;
  /**
   * The vendor API's base URL, fixed headers and authentication. The runtime builds the
   * handler's `http` from it (see `connectorHttp` in ./vendor-http.ts); without it the client
   * sends only what each request carries.
   */
  readonly http?: (config: { readonly settings: Settings; readonly secrets: Secrets }) => VendorHttpSetup;
}

/** Identity function that gives a connector definition its types. */
export function defineConnector<Settings, Secrets>(
  definition: ConnectorDefinition<Settings, Secrets>,
): ConnectorDefinition<Settings, Secrets> {
  return definition;
}

/** The event types a connector subscribes to: the ones it has a handler for. */
export function subscribedEventTypes<Settings, Secrets>(
  definition: ConnectorDefinition<Settings, Secrets>,
): UserEventType[] {
  return (Object.keys(definition.handlers) as UserEventType[]).sort();
}
