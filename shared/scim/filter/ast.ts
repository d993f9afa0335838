import type { AttributeType } from '../schema/attribute.ts';

/**
 * A parsed SCIM filter (RFC 7644 §3.4.2.2) with every attribute already resolved against the
 * schema. Names are spelled as the schema spells them, so evaluation and planning never deal with
 * case, URN prefixes or unknown attributes: the parser has refused those.
 */
export type Filter = Comparison | And | Or | Not | ValuePath;

/**
 * Where a comparison looks, in canonical spelling. `extension` is the URN of an extension schema
 * (its attributes sit under that URN key in the resource); absent for core and common attributes.
 */
export interface AttributePath {
  readonly extension?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
}

/** The operators that compare an attribute with a value. `pr` (present) takes no value. */
export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A JSON literal as RFC 7644 allows it in a filter: string, number, true, false or null. */
export type ComparisonValue = string | number | boolean | null;

export type Comparison = Presence | ValueComparison;

/** `attrPath pr`: the attribute has a non-empty value. */
export interface Presence {
  readonly kind: 'compare';
  readonly op: 'pr';
  readonly path: AttributePath;
}

/**
 * `attrPath op value`. `attributeType` and `caseExact` are copied from the schema definition of
 * the compared (sub-)attribute, because they decide what "equal" and "greater" mean and
 * evaluation has no schema at hand.
 */
export interface ValueComparison {
  readonly kind: 'compare';
  readonly op: CompareOperator;
  readonly path: AttributePath;
  readonly value: ComparisonValue;
  readonly attributeType: AttributeType;
  readonly caseExact: boolean;
}

/** n-ary conjunction; nested `and`s are flattened into one. */
export interface And {
  readonly kind: 'and';
  readonly filters: readonly Filter[];
}

/** n-ary disjunction; nested `or`s are flattened into one. */
export interface Or {
  readonly kind: 'or';
  readonly filters: readonly Filter[];
}

export interface Not {
  readonly kind: 'not';
  readonly filter: Filter;
}

/**
 * `emails[type eq "work" and value co "@example.com"]`: true when one entry of a complex attribute
 * satisfies the whole inner filter. Every path inside `filter` names `path.attribute` (and
 * `path.extension`) with a sub-attribute, so `emails[value eq "x"]` contains the same comparison
 * as `emails.value eq "x"`; only the scope it is evaluated in differs (one entry, not the resource).
 */
export interface ValuePath {
  readonly kind: 'valuePath';
  readonly path: { readonly extension?: string; readonly attribute: string };
  readonly filter: Filter;
}

/**
 * The path as a client would write it, for error messages.
 *
 * @example
 * formatPath({ attribute: 'emails', subAttribute: 'value' }) // => 'emails.value'
 */
export function formatPath(path: AttributePath): string {
  const name = path.subAttribute ? `${path.attribute}.${path.subAttribute}` : path.attribute;
  return path.extension ? `${path.extension}:${name}` : name;
}
