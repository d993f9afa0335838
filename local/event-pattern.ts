/**
 * EventBridge pattern matching for the local bus, for the subset of the syntax our shared
 * patterns use (shared/events/patterns.ts): a key maps to an array of exact values (the event's
 * value, or any element of it when it is an array, must equal one of them) or to a nested
 * pattern. Every key of the pattern must match; keys absent from the pattern are ignored.
 *
 * Hand-written on purpose: no maintained npm package implements EventBridge's pattern semantics
 * (the registry offers SDK clients and serverless-offline plugins, not a matcher library), and
 * this subset is small enough to be obviously right and is tested against EventBridge's documented
 * examples. A pattern using content filters (prefix, numeric, anything-but...) is refused rather
 * than silently matched wrongly.
 */
import type { EventPattern, PatternFields } from '../shared/events/patterns.ts';

/** An event in the shape EventBridge delivers it to a target (and matches it against rules). */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/**
 * Whether an event matches a pattern.
 *
 * @example
 * matchesPattern({ 'detail-type': ['user.deleted'] }, busEvent); // true for a user.deleted event
 */
export function matchesPattern(pattern: EventPattern, event: BusEvent): boolean {
  return matchesFields(pattern as PatternFields, event as unknown as Record<string, unknown>);
}

function matchesFields(pattern: PatternFields, value: Record<string, unknown>): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    const actual = value[key];
    if (Array.isArray(expected)) {
      if (!matchesValues(expected, actual)) return false;
    } else {
      if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
      if (!matchesFields(expected as PatternFields, actual as Record<string, unknown>)) return false;
    }
  }
  return true;
}

function matchesValues(expected: readonly unknown[], actual: unknown): boolean {
  for (const candidate of expected) {
    if (typeof candidate === 'object' && candidate !== null)
      throw new Error(`Content filters are not supported by the local bus: ${JSON.stringify(candidate)}`);
  }
  // EventBridge matches an array in the event if any of its elements matches.
  const values = Array.isArray(actual) ? actual : [actual];
  return values.some((value) => value !== undefined && expected.includes(value));
}
