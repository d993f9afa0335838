/**
 * Replays conformance sequences over HTTP against a SCIM base URL: the local runtime in tests,
 * any deployment in `npm run scim-check`. Every expectation becomes a named check.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type Check,
  fail,
  interpolate,
  MissingVariable,
  matchChecks,
  pass,
  placeholdersIn,
  short,
} from './matchers.ts';
import { unmetPrecondition } from './precondition.ts';
import {
  isWalk,
  type Json,
  type Precondition,
  type RequestStep,
  type Sequence,
  type Step,
  type WalkStep,
} from './sequence.ts';

export interface ScimTarget {
  /** e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod/okta/scim/v2 */
  readonly baseUrl: string;
  readonly token: string;
}

export interface StepResult {
  readonly name: string;
  readonly phase: 'steps' | 'cleanup';
  readonly checks: readonly Check[];
  /** The request as sent, for the report of a failure. */
  readonly request?: string;
  /** Set when the step's checks are `unmet`: what the directory lacks and what to do. */
  readonly precondition?: Precondition;
}

export interface SequenceResult {
  readonly sequence: Sequence;
  readonly steps: readonly StepResult[];
  /** No check failed (a step after a failed one is not run, so it too means a failure). */
  readonly passed: boolean;
  /** A precondition of the sequence did not hold in this directory (and nothing failed). */
  readonly unmet: boolean;
  readonly durationMs: number;
}

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly ms: number;
}

/** The most pages a walk reads; a larger directory is walked in part and says so. */
export const MAX_WALK_PAGES = 50;

export interface RunOptions {
  /**
   * Multiplies the IdPs' time limits (`withinMs`). 1 against a deployment; more on a test
   * machine whose load, not the service, sets the latency.
   */
  readonly timeScale?: number;
}

/**
 * Runs one sequence: its steps in order until one fails its status check (the IdP would stop
 * there too), then its cleanup, whatever happened.
 *
 * @example
 * const result = await runSequence(okta.sequences[0], { baseUrl, token });
 * if (!result.passed) console.log(describeFailures(result));
 */
export async function runSequence(
  sequence: Sequence,
  target: ScimTarget,
  options: RunOptions = {},
): Promise<SequenceResult> {
  const started = performance.now();
  const run = randomBytes(4).toString('hex');
  const variables = new Map<string, Json>([
    ['run', run],
    ['RUN', run.toUpperCase()],
    ['guid', randomUUID()],
  ]);
  const results: StepResult[] = [];
  let stopped = false;
  for (const step of sequence.steps) {
    if (stopped) {
      results.push({ name: step.name, phase: 'steps', checks: [skipped('not run: an earlier step failed')] });
      continue;
    }
    const result = await runStep(step, target, variables, 'steps', options);
    results.push(result);
    stopped = result.checks.some((check) => check.outcome === 'fail' && isBlocking(check));
  }
  for (const step of sequence.cleanup ?? []) {
    // Nothing to clean up when the step that creates it never captured its id.
    if (placeholdersIn(step.request).some((name) => !variables.has(name))) continue;
    results.push(await runStep(step, target, variables, 'cleanup', options));
  }
  const passed = results.every((r) => r.checks.every((check) => check.outcome !== 'fail'));
  const unmet = passed && results.some((r) => r.checks.some((check) => check.outcome === 'unmet'));
  return { sequence, steps: results, passed, unmet, durationMs: performance.now() - started };
}

/** A wrong status or a missing capture leaves the following steps without a footing. */
function isBlocking(check: Check): boolean {
  return check.label === 'status' || check.label.startsWith('capture ') || check.label === 'request';
}

async function runStep(
  step: Step,
  target: ScimTarget,
  variables: Map<string, Json>,
  phase: StepResult['phase'],
  options: RunOptions,
): Promise<StepResult> {
  try {
    return isWalk(step)
      ? { name: step.name, phase, checks: await walk(step, target, variables) }
      : await request(step, target, variables, phase, options.timeScale ?? 1);
  } catch (error) {
    const detail = error instanceof MissingVariable ? error.message : `request failed: ${String(error)}`;
    return { name: step.name, phase, checks: [{ label: 'request', outcome: 'fail', detail }] };
  }
}

async function request(
  step: RequestStep,
  target: ScimTarget,
  variables: Map<string, Json>,
  phase: StepResult['phase'],
  timeScale: number,
): Promise<StepResult> {
  const { method, body, headers = {}, auth = 'token' } = step.request;
  const url = urlOf(target, step.request.path, step.request.query, variables);
  const sentBody = body === undefined ? undefined : interpolate(body, variables);
  const reply = await send(target, method, url, sentBody, interpolate(headers, variables), auth);
  const expected = step.expect;
  const statuses = typeof expected.status === 'number' ? [expected.status] : expected.status;
  const checks: Check[] = [
    statuses.includes(reply.status)
      ? pass('status')
      : {
          label: 'status',
          outcome: 'fail',
          detail: `expected ${statuses.join(' or ')}, got ${reply.status} ${short(reply.body)}`,
        },
  ];
  for (const [name, matcher] of Object.entries(expected.headers ?? {})) {
    checks.push(
      ...matchChecks(interpolate(matcher, variables), reply.headers.get(name) ?? undefined, `header ${name}`),
    );
  }
  if (expected.body !== undefined) {
    checks.push(...matchChecks(interpolate(expected.body, variables), reply.body, 'body'));
  }
  if (expected.withinMs !== undefined) {
    const limit = expected.withinMs * timeScale;
    const label = `answered within ${limit} ms${timeScale === 1 ? '' : ` (${expected.withinMs} ms × ${timeScale})`}`;
    checks.push(
      reply.ms <= limit ? pass(label) : fail(label, `${limit} ms`, `${Math.round(reply.ms)} ms`, true),
    );
  }
  for (const [name, path] of Object.entries(step.capture ?? {})) {
    const value = valueAt(reply.body, path);
    if (value === undefined || value === null) {
      checks.push(fail(`capture ${name}`, `a value at ${path}`, undefined));
    } else {
      variables.set(name, value as Json);
    }
  }
  const shown = `${method} ${url.replace(target.baseUrl, '')}${sentBody === undefined ? '' : ` ${short(sentBody)}`}`;
  const unmet = unmetPrecondition(step.precondition, checks, variables);
  return { name: step.name, phase, checks: unmet?.checks ?? checks, request: shown, ...unmet?.precondition };
}

async function walk(step: WalkStep, target: ScimTarget, variables: Map<string, Json>): Promise<Check[]> {
  const { path, count, query = {}, includes = [], sameOrderAs, captureOrder } = step.walk;
  const pageProblems = {
    status: [] as string[],
    integers: [] as string[],
    startIndex: [] as string[],
    size: [] as string[],
  };
  const ids: string[] = [];
  let totalResults: number | undefined;
  let startIndex = 1;
  let pages = 0;
  while (pages < MAX_WALK_PAGES) {
    const url = urlOf(
      target,
      path,
      { ...query, startIndex: String(startIndex), count: String(count) },
      variables,
    );
    const reply = await send(target, 'GET', url, undefined, {}, 'token');
    pages++;
    const page = (reply.body ?? {}) as Record<string, unknown>;
    const resources = Array.isArray(page.Resources) ? (page.Resources as Record<string, unknown>[]) : [];
    if (reply.status !== 200) {
      pageProblems.status.push(`startIndex=${startIndex}: ${reply.status}`);
      break;
    }
    const notIntegers = ['totalResults', 'startIndex', 'itemsPerPage'].filter(
      (k) => !Number.isInteger(page[k]),
    );
    if (notIntegers.length > 0)
      pageProblems.integers.push(`startIndex=${startIndex}: ${notIntegers.join(', ')}`);
    if (page.startIndex !== startIndex)
      pageProblems.startIndex.push(`asked ${startIndex}, got ${short(page.startIndex)}`);
    if (page.itemsPerPage !== resources.length || resources.length > count) {
      pageProblems.size.push(
        `startIndex=${startIndex}: itemsPerPage ${short(page.itemsPerPage)}, ${resources.length} Resources`,
      );
    }
    totalResults ??= typeof page.totalResults === 'number' ? page.totalResults : 0;
    ids.push(...resources.map((resource) => String(resource.id)));
    startIndex += count;
    if (resources.length === 0 || startIndex > totalResults) break;
  }
  const complete = totalResults !== undefined && startIndex > totalResults;
  const pageCheck = (label: string, problems: string[]) =>
    problems.length === 0
      ? pass(label)
      : { label, outcome: 'fail' as const, detail: problems.slice(0, 3).join('; ') };
  const checks: Check[] = [
    pageCheck('every page answers 200', pageProblems.status),
    pageCheck('totalResults, startIndex and itemsPerPage are integers', pageProblems.integers),
    pageCheck('every page echoes the startIndex asked for', pageProblems.startIndex),
    pageCheck(`itemsPerPage is the number of Resources, at most ${count}`, pageProblems.size),
  ];
  const duplicates = ids.filter((id, at) => ids.indexOf(id) !== at);
  checks.push(
    duplicates.length === 0
      ? pass('no resource on two pages')
      : fail('no resource on two pages', 'none twice', duplicates.slice(0, 3)),
  );
  const partly = `the directory holds ${totalResults} resources; ${pages} pages of ${count} were walked`;
  const whole = (label: string, ok: () => boolean, detail: () => string): Check =>
    !complete ? skipped(partly, label) : ok() ? pass(label) : { label, outcome: 'fail', detail: detail() };
  checks.push(
    whole(
      'the pages add up to totalResults',
      () => ids.length === totalResults,
      () => `${ids.length} resources, totalResults ${totalResults}`,
    ),
  );
  for (const wanted of includes.map((id) => interpolate(id, variables))) {
    checks.push(
      whole(
        `${wanted} is imported`,
        () => ids.includes(wanted),
        () => 'not on any page',
      ),
    );
  }
  if (sameOrderAs !== undefined) {
    const before = variables.get(sameOrderAs);
    checks.push(
      whole(
        `same order as ${sameOrderAs}`,
        () => JSON.stringify(before) === JSON.stringify(ids),
        () => `${short(before)} then ${short(ids)}`,
      ),
    );
  }
  if (captureOrder) variables.set(captureOrder, ids);
  return checks;
}

function skipped(detail: string, label = 'step'): Check {
  return { label, outcome: 'skip', detail };
}

function urlOf(
  target: ScimTarget,
  path: string,
  query: Readonly<Record<string, string>> | undefined,
  variables: Map<string, Json>,
): string {
  const written = interpolate(path, variables, encodeURIComponent);
  const extra = Object.entries(query ?? {})
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(interpolate(value, variables))}`)
    .join('&');
  const joined = extra ? `${written}${written.includes('?') ? '&' : '?'}${extra}` : written;
  return `${target.baseUrl.replace(/\/+$/, '')}${joined}`;
}

async function send(
  target: ScimTarget,
  method: string,
  url: string,
  body: Json | undefined,
  headers: Readonly<Record<string, string>>,
  auth: 'token' | 'none' | 'wrong',
): Promise<Reply> {
  const authorization: Record<string, string> =
    auth === 'token'
      ? { Authorization: `Bearer ${target.token}` }
      : auth === 'wrong'
        ? { Authorization: `Bearer scim_${randomBytes(32).toString('hex')}` }
        : {};
  const init: RequestInit = {
    method,
    headers: {
      Accept: 'application/scim+json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/scim+json' }),
      ...authorization,
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
  let started = performance.now();
  // IdPs (Okta documents it) wait for Retry-After and try again on 429; so does the check, so that
  // a deployment's per-directory rate limit does not read as a failure.
  let response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  for (let retry = 0; response.status === 429 && retry < 5; retry++) {
    await response.arrayBuffer();
    const seconds = Number(response.headers.get('retry-after'));
    await new Promise((done) =>
      setTimeout(done, Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds : 1, 10) * 1000),
    );
    started = performance.now();
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  }
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: unknown = text === '' ? undefined : text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: kept as text, so the report shows what came back.
  }
  return { status: response.status, headers: response.headers, body: parsed, ms };
}

/** `Resources.0.id` in a parsed body. */
function valueAt(body: unknown, path: string): unknown {
  return path
    .split('.')
    .filter((part) => part !== '')
    .reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      body,
    );
}

/**
 * The failed and unchecked steps of a result, one entry per step: its name, each check that did
 * not pass, and the request that got the answer.
 *
 * @example
 * describeFailures(result)
 * // => ['create the user\n  status: expected 201, got 400 {...}\n  request: POST /Users {...}']
 */
export function describeFailures(result: SequenceResult): string[] {
  return result.steps.flatMap((step) => {
    const open = step.checks.filter((check) => check.outcome !== 'pass');
    if (open.length === 0) return [];
    const lines = open.map((check) =>
      check.label === 'step'
        ? `  ${check.detail}`
        : `  ${check.label}: ${check.outcome === 'skip' ? `not checked (${check.detail})` : check.detail}`,
    );
    const failed = open.some((check) => check.outcome === 'fail');
    const request = failed && step.request ? [`  request: ${step.request}`] : [];
    return [[`${step.phase === 'cleanup' ? '[cleanup] ' : ''}${step.name}`, ...lines, ...request].join('\n')];
  });
}

/** Number of checks by outcome. */
export function tally(result: SequenceResult): Record<Check['outcome'], number> {
  const counts = { pass: 0, fail: 0, skip: 0, unmet: 0 };
  for (const step of result.steps) for (const check of step.checks) counts[check.outcome]++;
  return counts;
}
