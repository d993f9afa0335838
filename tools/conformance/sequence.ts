/**
 * The shape of an IdP conformance sequence: the requests one identity provider sends for one
 * provisioning task, in order, written as data from its documentation. The runner (`runner.ts`)
 * replays them over HTTP; the vitest file and `npm run scim-check` share them.
 *
 * Strings anywhere in a request or an expectation may hold `{{name}}` placeholders: `run` (8 hex
 * digits unique per sequence run, for names that must not collide in a live directory), `RUN` (the
 * same in capitals), `guid` (a random UUID), and every value captured by an earlier step. A string that is exactly `{{name}}` takes the
 * captured value as it is (number, object…); in a `path` the value is percent-encoded.
 */

/** A JSON value as it appears in request bodies and expectations. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * What a response value must be. A primitive must be equal; an array must be deeply equal; an
 * object without `$` keys matches key by key (other keys are allowed); an object with `$` keys is
 * one or more of the operators below, all of which must hold.
 */
export type Matcher =
  | string
  | number
  | boolean
  | null
  | readonly Matcher[]
  | MatcherOperators
  | { readonly [key: string]: Matcher };

export interface MatcherOperators {
  /** The key is missing or null. */
  readonly $absent?: true;
  /** The key holds something other than null, "" or []. */
  readonly $present?: true;
  /** Missing, null, "" or [] (Entra's "null or empty"). */
  readonly $empty?: true;
  readonly $type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  /** An array with at least one element matching. */
  readonly $contains?: Matcher;
  /** An array (or a missing key) with no element matching. */
  readonly $notContains?: Matcher;
  readonly $length?: number;
  /** Equal to one of these. */
  readonly $in?: readonly Json[];
  /** A string matching this regular expression (case-insensitive). */
  readonly $matches?: string;
  /** Deeply equal, key order aside: for whole objects where extra keys are a failure. */
  readonly $equals?: Json;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface StepRequest {
  readonly method: HttpMethod;
  /**
   * Relative to the SCIM base URL, e.g. `/Users/{{userId}}`. A query written here is sent as
   * written (to reproduce an IdP's exact encoding); placeholders in it are percent-encoded.
   */
  readonly path: string;
  /** Query parameters, percent-encoded by the runner (`%20` for spaces, as Okta and Entra do). */
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: Json;
  readonly headers?: Readonly<Record<string, string>>;
  /** `token` (default): the bearer token; `none`: no Authorization header; `wrong`: an unknown token. */
  readonly auth?: 'token' | 'none' | 'wrong';
}

export interface StepExpectation {
  /** The status, or the statuses the IdP accepts. */
  readonly status: number | readonly number[];
  /** Header names are case-insensitive; values are matched as strings. */
  readonly headers?: Readonly<Record<string, Matcher>>;
  readonly body?: Matcher;
  /** The IdP's time limit for the answer, in milliseconds (Okta: GET /Groups within 600 ms). */
  readonly withinMs?: number;
}

/**
 * What a step's body checks take for granted about the directory (Okta's SPEC test reads the
 * first user the directory lists, whoever it is, and needs it to have a name and an email). When
 * the status is right but a body check fails, the step is reported as "precondition not met"
 * with the remedy, not as the service's failure: on a live directory the data is not ours.
 */
export interface Precondition {
  /** What must hold, in the IdP's terms. */
  readonly needs: string;
  /** What the operator can do when it does not. */
  readonly remedy: string;
  /**
   * Two captured values: the resource the step reads and the one the sequence created. When they
   * are equal the step reads the sequence's own data, and a failed check is the service's failure.
   */
  readonly unlessSame?: readonly [string, string];
}

/** One request and what the IdP needs of its answer. */
export interface RequestStep {
  /** What the IdP is doing, in its own terms ("pre-check: is the user there already?"). */
  readonly name: string;
  readonly request: StepRequest;
  readonly expect: StepExpectation;
  /** Values to remember for later steps: name → dotted path in the response body (`id`, `Resources.0.id`). */
  readonly capture?: Readonly<Record<string, string>>;
  readonly precondition?: Precondition;
}

/**
 * An import: GET `path` page by page (`startIndex` 1, 1 + count, …) as an IdP imports a
 * directory. Checks that every page is a well-formed ListResponse, that no resource appears
 * twice, that the pages add up to `totalResults`, and optionally that the given ids are all seen
 * and that the order equals an earlier walk's.
 */
export interface WalkStep {
  readonly name: string;
  readonly walk: {
    readonly path: '/Users' | '/Groups';
    readonly count: number;
    /** Extra query parameters sent with every page (Entra: `excludedAttributes=members`). */
    readonly query?: Readonly<Record<string, string>>;
    /** Ids (usually `{{placeholders}}`) that must each appear exactly once. */
    readonly includes?: readonly string[];
    /** The name of an earlier walk's capture whose order this walk must repeat. */
    readonly sameOrderAs?: string;
    /** Remember the ids in order under this name. */
    readonly captureOrder?: string;
  };
}

export type Step = RequestStep | WalkStep;

/** How firmly the IdP's own documentation backs a sequence. */
export type Evidence =
  /** The IdP documents these requests (its SCIM reference, tutorial or test suite). */
  | 'documented'
  /** Seen in the field (public issue trackers, vendors' guides), not in the IdP's documentation. */
  | 'field-report'
  /** The IdP documents the task but not its requests; the requests are plain RFC 7644. */
  | 'rfc7644';

export interface Sequence {
  /** Unique within its IdP, kebab-case: `create-with-precheck`. */
  readonly id: string;
  /** One line: what the IdP does and what must hold. */
  readonly title: string;
  readonly evidence: Evidence;
  /** Where the requests come from: document names, URLs, issue threads. */
  readonly sources: readonly string[];
  readonly steps: readonly Step[];
  /**
   * Run after the steps whatever happened, to leave a live directory as the IdP would (delete,
   * or deactivate for IdPs that never delete). A step whose placeholders were never captured is
   * left out (nothing was created).
   */
  readonly cleanup?: readonly RequestStep[];
}

export interface IdpConformance {
  /** `entra`, `okta`, … as `--idp` takes it. */
  readonly id: string;
  readonly name: string;
  readonly sequences: readonly Sequence[];
}

export function isWalk(step: Step): step is WalkStep {
  return 'walk' in step;
}

/**
 * The SCIM endpoints a sequence calls (`/Users`, `/Groups`, `/Schemas`…): a sequence can run only
 * where all of them are served.
 *
 * @example
 * endpointsOf(sequence) // => ['/Groups', '/Users']
 */
export function endpointsOf(sequence: Sequence): string[] {
  const all = [...sequence.steps, ...(sequence.cleanup ?? [])].map((step) =>
    isWalk(step) ? step.walk.path : `/${step.request.path.split(/[/?]/)[1] ?? ''}`,
  );
  return [...new Set(all)].sort();
}
