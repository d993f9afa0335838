import { parse } from 'scim2-parse-filter';
import { booleanFromText } from '../coerce.ts';
import { ScimError } from '../errors.ts';
import { type AttributeDefinition, attr, findAttribute } from '../schema/attribute.ts';
import { type ResourceType, resolveAttributePath } from '../schema/resource-type.ts';
import type { AttributePath, CompareOperator, Comparison, ComparisonValue, Filter } from './ast.ts';
import { formatPath } from './ast.ts';
import { instantOf } from './evaluate.ts';
import { type Literal, maskLiterals, nestedTooDeep } from './literals.ts';

/** Longer filters are refused before any parsing: no identity provider sends one this long. */
export const MAX_FILTER_LENGTH = 4096;
/** Deepest nesting of brackets, parentheses and `not` accepted; real filters stay below 5. */
export const MAX_FILTER_DEPTH = 32;

/**
 * Parses a filter (RFC 7644 §3.4.2.2) and resolves every attribute against `resourceType`.
 * Attribute names and operators are case-insensitive and may be URN-qualified; a complex attribute
 * compared without a sub-attribute means its `value`. Anything wrong is a 400 `invalidFilter`
 * whose detail says what.
 *
 * @example
 * parseFilter('emails[type eq "work"] and userName EQ "Bjensen"', userResourceType)
 * // => { kind: 'and', filters: [{ kind: 'valuePath', … }, { kind: 'compare', op: 'eq', path: { attribute: 'userName' }, … }] }
 */
export function parseFilter(text: string, resourceType: ResourceType): Filter {
  if (text.length > MAX_FILTER_LENGTH) {
    throw invalid(`The filter is ${text.length} characters long; at most ${MAX_FILTER_LENGTH} are accepted.`);
  }
  if (text.trim() === '') throw invalid('The filter is empty.');
  const { masked, literals } = maskLiterals(text, MAX_FILTER_DEPTH);
  // A `\ud800` escape in a literal (or the text itself) may leave a lone surrogate, which no key
  // or UTF-8 store can hold: the filter is refused rather than compared.
  if (
    !text.isWellFormed() ||
    literals.some(({ value }) => typeof value === 'string' && !value.isWellFormed())
  )
    throw invalid(
      'The filter is not well-formed Unicode: it holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape).',
    );
  let tree: unknown;
  try {
    tree = parse(masked);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Explained before the literals are put back, so that no quoted text can confuse the rules.
    const explained = explainSyntaxError(message).replace(
      /"#(\d+)"/g,
      (token, index: string) => literals[Number(index)]?.source ?? token,
    );
    throw invalid(`The filter is not valid SCIM filter syntax: ${explained}.`, error);
  }
  return new Resolver(resourceType, literals).filter(tree, 1);
}

function invalid(detail: string, cause?: unknown): ScimError {
  return ScimError.badRequest('invalidFilter', detail, cause);
}

/** The library's messages, in words a client can act on. */
function explainSyntaxError(message: string): string {
  const trailing = /^unexpected EOT (.*)$/s.exec(message)?.[1];
  if (trailing !== undefined) {
    // The library lists the tokens, comma-separated, and brackets the one where it expected the
    // end. With literals masked no token contains a comma, and only that one looks like `[…]`.
    const current = trailing.split(',').find((t) => t.length > 2 && t.startsWith('[') && t.endsWith(']'));
    return `${current?.slice(1, -1) ?? 'the text'} follows a complete filter; join filters with "and" or "or"`;
  }
  const rules: [RegExp, (...groups: string[]) => string][] = [
    [/^Unexpected token (.*) \(EOT\)$/s, () => 'the filter ends where an attribute or "(" was expected'],
    [
      /^Unexpected token (.*) \(\w+\)$/s,
      (token) => `${token} appears where an attribute or "(" was expected`,
    ],
    [/^\[\(EOT\)\] is not json$/s, () => 'the filter ends where a value was expected'],
    [
      /^\[(.*)\(\w+\)\] is not json$/s,
      (token) => `${token} is not a value; use a "quoted string", a number, true, false or null`,
    ],
    [
      /^Unexpected token \[?(.*?)(?:\(\w+\)\])? expected '(.)'$/s,
      (token, close) => `expected "${close}" before ${token || 'the end'}`,
    ],
    [
      /^Unexpected token (\S*) (.*) as valFilter operator$/s,
      (path, op) =>
        op
          ? `${op} after ${path} is not an operator (eq ne co sw ew gt ge lt le pr)`
          : `${path} must be followed by an operator (eq ne co sw ew gt ge lt le pr)`,
    ],
    [/^unexpected token (.*)$/s, (rest) => `cannot read ${rest.slice(0, 40)}`],
  ];
  for (const [pattern, explain] of rules) {
    const match = pattern.exec(message);
    if (match) return explain(...match.slice(1).map((group) => group ?? ''));
  }
  return message;
}

// ---------------------------------------------------------------------------------------------
// Resolution: the library's tree, checked node by node (it can return shapes its own types do not
// describe, such as `{ op: 'not', filters }` for `a pr not b pr`), turned into our AST.
// ---------------------------------------------------------------------------------------------

interface LibraryNode {
  readonly op: string;
  readonly [key: string]: unknown;
}

/** Inside `emails[…]`: paths are sub-attributes of this attribute. */
interface ValueScope {
  readonly extension?: string;
  readonly attribute: AttributeDefinition;
}

/**
 * `schemas` is in every resource but in no schema's attribute list. RFC 7644 §3.4.2.2 filters on
 * it in its examples (`schemas eq "urn:…:enterprise:2.0:User"`).
 */
const SCHEMAS = attr('schemas', 'reference', 'The schema URIs the resource conforms to.', {
  multiValued: true,
  returned: 'always',
});

const COMPARE_OPERATORS: ReadonlySet<string> = new Set([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
]);
const TEXT_OPERATORS: ReadonlySet<string> = new Set(['co', 'sw', 'ew']);
const ORDER_OPERATORS: ReadonlySet<string> = new Set(['gt', 'ge', 'lt', 'le']);

function isNode(value: unknown): value is LibraryNode {
  return typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string';
}

class Resolver {
  constructor(
    private readonly resourceType: ResourceType,
    private readonly literals: readonly Literal[],
  ) {}

  filter(node: unknown, depth: number, scope?: ValueScope): Filter {
    if (depth > MAX_FILTER_DEPTH) throw nestedTooDeep(MAX_FILTER_DEPTH);
    if (!isNode(node)) throw invalid('The filter could not be read.');
    const { op } = node;
    if ((op === 'and' || op === 'or') && Array.isArray(node.filters)) {
      const filters = node.filters
        .map((child: unknown) => this.filter(child, depth + 1, scope))
        .flatMap((child) => (child.kind === op ? child.filters : [child]));
      return { kind: op, filters };
    }
    if (Array.isArray(node.filters)) {
      throw invalid(`Expected "and" or "or" between two filters, found "${op}".`);
    }
    if (op === 'not') return { kind: 'not', filter: this.filter(node.filter, depth + 1, scope) };
    if (typeof node.attrPath !== 'string') throw invalid(`"${op}" is not a SCIM filter operator.`);
    if (op === '[]') return this.valuePath(node.attrPath, node.valFilter, depth, scope);
    if (op === 'pr') return { kind: 'compare', op, path: this.resolve(node.attrPath, scope).path };
    if (COMPARE_OPERATORS.has(op)) {
      return this.comparison(op as CompareOperator, node.attrPath, this.value(node.compValue), scope);
    }
    throw invalid(`"${op}" is not a SCIM filter operator.`);
  }

  private valuePath(attrPath: string, inner: unknown, depth: number, scope: ValueScope | undefined): Filter {
    if (scope) {
      throw invalid(`Value filters cannot be nested: ${attrPath}[…] inside ${scope.attribute.name}[…].`);
    }
    const { path, attribute, subAttribute } = this.resolve(attrPath, undefined);
    if (subAttribute || attribute.type !== 'complex') {
      throw invalid(`${formatPath(path)} has no sub-attributes to filter with […].`);
    }
    const outer = { ...(path.extension ? { extension: path.extension } : {}), attribute: attribute.name };
    const filter = this.filter(inner, depth + 1, { ...outer, attribute });
    return { kind: 'valuePath', path: outer, filter };
  }

  private comparison(
    op: CompareOperator,
    attrPath: string,
    value: ComparisonValue,
    scope: ValueScope | undefined,
  ): Comparison {
    const resolved = this.resolve(attrPath, scope);
    let { path } = resolved;
    let target = resolved.subAttribute ?? resolved.attribute;
    if (target.type === 'complex') {
      // A complex attribute compared as a whole means its `value`: RFC 7644 §3.4.2.2 writes
      // `emails co "example.com"` among its examples next to `emails.value co "example.org"`.
      const valueAttribute = findAttribute(target.subAttributes, 'value');
      if (!valueAttribute) {
        const example = target.subAttributes?.[0]?.name ?? 'value';
        throw invalid(
          `${formatPath(path)} is a complex attribute; compare one of its sub-attributes, such as ${formatPath({ ...path, subAttribute: example })}.`,
        );
      }
      path = { ...path, subAttribute: valueAttribute.name };
      target = valueAttribute;
    }
    // Entra's SCIM validator quotes booleans (`emails[primary eq "True"]`), as Entra does in PATCH values.
    const operand = target.type === 'boolean' ? (booleanFromText(value) ?? value) : value;
    checkOperand(op, target, operand, formatPath(path));
    return {
      kind: 'compare',
      op,
      path,
      value: operand,
      attributeType: target.type,
      caseExact: target.caseExact,
    };
  }

  private resolve(
    attrPath: string,
    scope: ValueScope | undefined,
  ): { path: AttributePath; attribute: AttributeDefinition; subAttribute?: AttributeDefinition } {
    if (scope) {
      const subAttribute = findAttribute(scope.attribute.subAttributes, attrPath);
      if (!subAttribute) throw invalid(`"${attrPath}" is not a sub-attribute of ${scope.attribute.name}.`);
      const extension = scope.extension ? { extension: scope.extension } : {};
      return {
        path: { ...extension, attribute: scope.attribute.name, subAttribute: subAttribute.name },
        attribute: scope.attribute,
        subAttribute,
      };
    }
    if (attrPath.toLowerCase() === 'schemas') return { path: { attribute: 'schemas' }, attribute: SCHEMAS };
    const resolved = resolveAttributePath(this.resourceType, attrPath);
    if (!resolved) {
      throw invalid(`"${attrPath}" is not an attribute of the ${this.resourceType.name} resource.`);
    }
    const { extension, attribute, subAttribute } = resolved;
    return {
      path: {
        ...(extension ? { extension } : {}),
        attribute: attribute.name,
        ...(subAttribute ? { subAttribute: subAttribute.name } : {}),
      },
      attribute,
      ...(subAttribute ? { subAttribute } : {}),
    };
  }

  /** Strings and numbers come back as placeholders; true, false and null the library reads itself. */
  private value(compValue: unknown): ComparisonValue {
    if (typeof compValue === 'string') {
      const literal = /^#(\d+)$/.exec(compValue) && this.literals[Number(compValue.slice(1))];
      if (literal) return literal.value;
    }
    if (compValue === null || typeof compValue === 'boolean' || typeof compValue === 'number') {
      return compValue;
    }
    throw invalid('The filter has a value that could not be read.');
  }
}

/** Refuses comparisons that can never be meaningful, so a client learns of its mistake. */
function checkOperand(
  op: CompareOperator,
  target: AttributeDefinition,
  value: ComparisonValue,
  name: string,
): void {
  if (value === null) {
    if (op === 'eq' || op === 'ne') return;
    throw invalid(`${op} cannot compare ${name} with null; use "${name} pr" to test for a value.`);
  }
  if (ORDER_OPERATORS.has(op) && (target.type === 'boolean' || target.type === 'binary')) {
    throw invalid(`${op} cannot order ${name}: it is a ${target.type} attribute (RFC 7644 §3.4.2.2).`);
  }
  const textual = target.type !== 'boolean' && target.type !== 'integer' && target.type !== 'decimal';
  if (TEXT_OPERATORS.has(op) && !textual) {
    throw invalid(`${op} matches text, and ${name} is a ${target.type} attribute.`);
  }
  const expected = target.type === 'boolean' ? 'boolean' : textual ? 'string' : 'number';
  if (typeof value !== expected) {
    throw invalid(
      `${name} is a ${target.type} attribute and cannot be compared with ${JSON.stringify(value)}.`,
    );
  }
  if (target.type === 'dateTime' && !TEXT_OPERATORS.has(op) && instantOf(value) === undefined) {
    throw invalid(
      `${JSON.stringify(value)} is not a dateTime such as "2026-01-05T09:00:00Z"; ${name} is compared as a point in time.`,
    );
  }
}
