/**
 * SCIM filtering (RFC 7644 §3.4.2.2): parse a filter against a resource type, check resources
 * against it, and plan which storage indexes can answer it.
 */
export type {
  And,
  AttributePath,
  CompareOperator,
  Comparison,
  ComparisonValue,
  Filter,
  Not,
  Or,
  Presence,
  ValueComparison,
  ValuePath,
} from './ast.ts';
export { formatPath } from './ast.ts';
export { matchesFilter } from './evaluate.ts';
export { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter } from './parse.ts';
export { type IndexLookup, type IndexName, MAX_LOOKUPS, planFilter, type QueryPlan } from './plan.ts';
