/**
 * Expectations as data: `{{placeholders}}` filled from the run's variables, and matchers turned
 * into named checks, one per leaf, so a report says exactly which property was wrong.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Json, Matcher, MatcherOperators } from './sequence.ts';

export interface Check {
  /** What was checked: `status`, `body.Resources[0].active`, `header content-type`. */
  readonly label: string;
  /** `unmet`: about data the sequence did not create, which does not hold what the IdP expects (see `Precondition`). */
  readonly outcome: 'pass' | 'fail' | 'skip' | 'unmet';
  /** Why it failed, was skipped or is unmet: expected and actual. */
  readonly detail?: string;
}

export type Variables = ReadonlyMap<string, Json>;

/** A placeholder named a value no earlier step captured. */
export class MissingVariable extends Error {
  override readonly name = 'MissingVariable';
  constructor(readonly variable: string) {
    super(`{{${variable}}} was never captured`);
  }
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/**
 * Fills `{{name}}` placeholders. A string that is exactly one placeholder becomes the value
 * itself; inside a longer string the value is written as text, through `encode` when given.
 *
 * @example
 * interpolate({ id: '{{userId}}', path: 'members[value eq "{{userId}}"]' }, new Map([['userId', 'u1']]))
 * // => { id: 'u1', path: 'members[value eq "u1"]' }
 */
export function interpolate<T extends Matcher>(
  value: T,
  variables: Variables,
  encode: (text: string) => string = (text) => text,
): T {
  return fill(value, variables, encode) as T;
}

function fill(value: unknown, variables: Variables, encode: (text: string) => string): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(value)?.[1];
    if (whole !== undefined) return lookup(variables, whole);
    return value.replace(PLACEHOLDER, (_, name: string) => {
      const found = lookup(variables, name);
      return encode(typeof found === 'string' ? found : JSON.stringify(found));
    });
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, variables, encode));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, variables, encode)]));
  }
  return value;
}

function lookup(variables: Variables, name: string): Json {
  const found = variables.get(name);
  if (found === undefined) throw new MissingVariable(name);
  return found;
}

/** The placeholders a value uses, to tell whether a cleanup step has what it needs. */
export function placeholdersIn(value: unknown): string[] {
  const text = JSON.stringify(value) ?? '';
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

/**
 * Checks `actual` against `matcher`, one check per leaf, labelled from `label` down.
 *
 * @example
 * matchChecks({ totalResults: 0, Resources: { $length: 0 } }, reply.body, 'body')
 * // => [{ label: 'body.totalResults', outcome: 'pass' }, { label: 'body.Resources', outcome: 'pass' }]
 */
export function matchChecks(matcher: Matcher, actual: unknown, label: string): Check[] {
  if (isOperators(matcher)) return [operatorCheck(matcher, actual, label)];
  if (typeof matcher === 'object' && matcher !== null && !Array.isArray(matcher)) {
    // Numeric keys index into an array: `{ Resources: { 0: { id: … } } }`.
    const indexes = Object.keys(matcher).every((key) => /^\d+$/.test(key));
    if (typeof actual !== 'object' || actual === null || (Array.isArray(actual) && !indexes)) {
      return [fail(label, indexes ? 'an array' : 'an object', actual)];
    }
    const record = actual as Record<string, unknown>;
    return Object.entries(matcher).flatMap(([key, inner]) =>
      matchChecks(inner, record[key], `${label}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`}`),
    );
  }
  return [isDeepStrictEqual(actual, matcher) ? pass(label) : fail(label, matcher, actual)];
}

/** True when `actual` satisfies `matcher` (used for `$contains`). */
export function matches(matcher: Matcher, actual: unknown): boolean {
  return matchChecks(matcher, actual, '').every((check) => check.outcome === 'pass');
}

function isOperators(matcher: Matcher): matcher is MatcherOperators {
  return (
    typeof matcher === 'object' &&
    matcher !== null &&
    !Array.isArray(matcher) &&
    Object.keys(matcher).length > 0 &&
    Object.keys(matcher).every((key) => key.startsWith('$'))
  );
}

function operatorCheck(ops: MatcherOperators, actual: unknown, label: string): Check {
  const problems: string[] = [];
  const isEmpty = actual === undefined || actual === null || actual === '' || isDeepStrictEqual(actual, []);
  if (ops.$absent && actual !== undefined && actual !== null) problems.push('absent');
  if (ops.$present && isEmpty) problems.push('present');
  if (ops.$empty && !isEmpty) problems.push('null or empty');
  if (ops.$type && !hasType(ops.$type, actual)) problems.push(`of type ${ops.$type}`);
  if (ops.$length !== undefined && !(Array.isArray(actual) && actual.length === ops.$length)) {
    problems.push(`an array of length ${ops.$length}`);
  }
  if (ops.$contains !== undefined) {
    const inner = ops.$contains;
    if (!(Array.isArray(actual) && actual.some((item) => matches(inner, item)))) {
      problems.push(`an array containing ${JSON.stringify(inner)}`);
    }
  }
  if (ops.$notContains !== undefined) {
    const inner = ops.$notContains;
    if (Array.isArray(actual) ? actual.some((item) => matches(inner, item)) : actual !== undefined) {
      problems.push(`not containing ${JSON.stringify(inner)}`);
    }
  }
  if (ops.$in && !ops.$in.some((candidate) => isDeepStrictEqual(candidate, actual))) {
    problems.push(`one of ${JSON.stringify(ops.$in)}`);
  }
  if (
    ops.$matches !== undefined &&
    !(typeof actual === 'string' && new RegExp(ops.$matches, 'i').test(actual))
  ) {
    problems.push(`matching /${ops.$matches}/i`);
  }
  if (ops.$equals !== undefined && !isDeepStrictEqual(actual, ops.$equals)) {
    problems.push(`equal to ${JSON.stringify(ops.$equals)}`);
  }
  return problems.length === 0 ? pass(label) : fail(label, problems.join(' and '), actual, true);
}

function hasType(type: NonNullable<MatcherOperators['$type']>, actual: unknown): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(actual);
    case 'array':
      return Array.isArray(actual);
    case 'object':
      return typeof actual === 'object' && actual !== null && !Array.isArray(actual);
    default:
      return typeof actual === type;
  }
}

export function pass(label: string): Check {
  return { label, outcome: 'pass' };
}

export function fail(label: string, expected: unknown, actual: unknown, described = false): Check {
  const wanted = described ? String(expected) : JSON.stringify(expected);
  return { label, outcome: 'fail', detail: `expected ${wanted}, got ${short(actual)}` };
}

/** A value short enough for a report line. */
export function short(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
