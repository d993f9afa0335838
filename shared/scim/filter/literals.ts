/**
 * The pass over the filter text before the library parses it. The library reads string literals
 * with a regular expression that backtracks exponentially on an unterminated string containing
 * line breaks, does not decode JSON escapes (`"a\\b"` stays two backslashes, `"a\\"` is refused)
 * and cannot read a negative number followed by a space. So strings and numbers are read here with
 * JSON rules, and the library gets the text with each literal replaced by a placeholder string
 * `"#n"`, the n-th entry of `literals`.
 *
 * Being the one pass that knows what is inside a string, it also bounds the nesting of brackets
 * before the library's recursive descent sees them, and rewrites `].` (see `subAttributeIntoFilter`).
 */
import { ScimError } from '../errors.ts';

export interface MaskedFilter {
  readonly masked: string;
  readonly literals: readonly Literal[];
}

export interface Literal {
  readonly value: string | number;
  /** The literal as the client wrote it, to quote in error messages. */
  readonly source: string;
}

/** Characters the library accepts inside an attribute path; a number never starts right after one. */
const PATH_CHAR = /[-\w.:/%]/;
/** RFC 8259 §6: no leading zeros, no trailing dot. */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;

function invalid(detail: string): ScimError {
  return ScimError.badRequest('invalidFilter', detail);
}

export function nestedTooDeep(maxDepth: number): ScimError {
  return invalid(`The filter is nested more than ${maxDepth} levels deep.`);
}

/**
 * Replaces string and number literals by placeholders; throws invalidFilter for an unterminated
 * string, a malformed number, brackets nested deeper than `maxDepth` or a `].` sub-attribute that
 * is not compared.
 *
 * @example
 * maskLiterals('title eq "a \\"b\\"" or x gt -1', 32)
 * // => { masked: 'title eq "#0" or x gt "#1"', literals: [{ value: 'a "b"', … }, { value: -1, … }] }
 */
export function maskLiterals(text: string, maxDepth: number): MaskedFilter {
  const literals: Literal[] = [];
  let masked = '';
  let depth = 0;
  let i = 0;
  const placeholder = (literal: Literal, end: number) => {
    masked += `"#${literals.length}"`;
    literals.push(literal);
    i = end;
  };
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '"') {
      const end = closingQuote(text, i);
      if (end < 0) throw invalid(`The string starting at character ${i + 1} has no closing quote.`);
      placeholder({ value: decodeString(text.slice(i + 1, end)), source: text.slice(i, end + 1) }, end + 1);
      continue;
    }
    const startsToken = i === 0 || !PATH_CHAR.test(text.charAt(i - 1));
    if (startsToken && (c === '-' || (c >= '0' && c <= '9'))) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      let end = i + (match?.[0].length ?? 0);
      const value = Number(match?.[0]);
      if (!match || PATH_CHAR.test(text.charAt(end)) || !Number.isFinite(value)) {
        while (PATH_CHAR.test(text.charAt(end))) end++;
        const word = text.slice(i, Math.max(end, i + 1));
        throw invalid(`${word} is neither an attribute nor a JSON number; strings must be "quoted".`);
      }
      placeholder({ value, source: match[0] }, end);
      continue;
    }
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (depth > maxDepth) throw nestedTooDeep(maxDepth);
    masked += c;
    i++;
  }
  return { masked: subAttributeIntoFilter(masked), literals };
}

/** `].sub op value` (or `].sub pr`) once literals are placeholders. */
const SUB_ATTRIBUTE_COMPARED =
  /^\]\.([A-Za-z$][\w$-]*)\s+(pr\b|(?:eq|ne|co|sw|ew|gt|ge|lt|le)\s+(?:"#\d+"|true\b|false\b|null\b))/i;

/**
 * RFC 7644 writes `emails[type eq "work"].value` in PATCH paths only, but Entra ID filters users on
 * it (`emails[type eq "work"].value eq "x"`, its documented uniqueness query). It means one entry
 * that satisfies both, so it becomes `emails[(type eq "work") and value eq "x"]`. Left as it was,
 * the library would read `emails[…] and emails.value eq "x"`, which two different entries may
 * satisfy. Value filters do not nest, so the `[` that opens the filter is the last one before it.
 *
 * @example
 * subAttributeIntoFilter('emails[type eq "#0"].value eq "#1"') // 'emails[(type eq "#0") and value eq "#1"]'
 */
function subAttributeIntoFilter(masked: string): string {
  let out = masked;
  for (let close = out.indexOf('].'); close >= 0; close = out.indexOf('].', close + 1)) {
    const compared = SUB_ATTRIBUTE_COMPARED.exec(out.slice(close));
    const open = out.lastIndexOf('[', close);
    if (!compared || open < 0) {
      throw invalid(
        'A sub-attribute after a value filter (such as emails[type eq "work"].value) must be compared, ' +
          'e.g. emails[type eq "work"].value eq "…", or put inside the brackets: emails[type eq "work" and value eq "…"].',
      );
    }
    const [whole, subAttribute, comparison] = compared;
    const inner = out.slice(open + 1, close);
    const rewritten = `[(${inner}) and ${subAttribute} ${comparison}]`;
    out = `${out.slice(0, open)}${rewritten}${out.slice(close + whole.length)}`;
    close = open + rewritten.length - 1;
  }
  return out;
}

/** Index of the quote that closes the string opened at `start`, or -1. */
function closingQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text.charAt(i) === '\\') i++;
    else if (text.charAt(i) === '"') return i;
  }
  return -1;
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * JSON string escapes (RFC 8259 §7). A backslash before anything else is kept as written, so the
 * unescaped `"CONTOSO\jdoe"` still means what its sender meant.
 */
function decodeString(body: string): string {
  return body.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])?/g, (whole, sequence: string | undefined) => {
    if (sequence === undefined) return whole;
    return sequence.length === 5
      ? String.fromCharCode(Number.parseInt(sequence.slice(1), 16))
      : (ESCAPES[sequence] ?? whole);
  });
}
