/**
 * Resource matching as API Gateway REST APIs do it: the request path selects one resource
 * (static segments beat `{param}` segments, left to right), and only then the method of that
 * resource. So `GET /Users/.search` finds the `/Users/.search` resource and is refused there,
 * rather than falling back to `GET /Users/{id}`.
 */

type Segment =
  | { readonly param: false; readonly text: string }
  | { readonly param: true; readonly name: string };

interface Resource<T> {
  readonly template: string;
  readonly segments: readonly Segment[];
  readonly methods: Map<string, T>;
}

export interface ResourceMatch<T> {
  /** The resource template, e.g. `/{directoryId}/scim/v2/Users/{id}`. */
  readonly resource: string;
  /** URL-decoded values of the template's parameters; null when it has none, as in the event. */
  readonly pathParameters: Record<string, string> | null;
  /** The methods the resource has, for an Allow header. */
  readonly methods: readonly string[];
  /** The entry for the method (or the resource's ANY method), if any. */
  forMethod(method: string): T | undefined;
}

export interface ResourceRouter<T> {
  match(rawPath: string): ResourceMatch<T> | undefined;
}

/**
 * Builds a router over `(method, resource template, entry)` triples.
 *
 * @example
 * const router = createResourceRouter([{ method: 'GET', resource: '/Users/{id}', entry: getUser }]);
 * router.match('/Users/a%40b')?.pathParameters; // { id: 'a@b' }
 */
export function createResourceRouter<T>(
  routes: readonly { readonly method: string; readonly resource: string; readonly entry: T }[],
): ResourceRouter<T> {
  const resources = new Map<string, Resource<T>>();
  for (const { method, resource: template, entry } of routes) {
    let resource = resources.get(template);
    if (!resource) {
      resource = { template, segments: parseTemplate(template), methods: new Map() };
      resources.set(template, resource);
    }
    const key = method.toUpperCase();
    if (resource.methods.has(key)) throw new Error(`Duplicate route ${key} ${template}.`);
    resource.methods.set(key, entry);
  }
  return { match: (rawPath) => matchPath([...resources.values()], rawPath) };
}

function parseTemplate(template: string): Segment[] {
  if (!template.startsWith('/')) throw new Error(`Resource ${template} must start with "/".`);
  return splitPath(template).map((part) => {
    if (part.includes('+}')) throw new Error(`Greedy path variables are not supported: ${template}.`);
    const param = /^\{([A-Za-z0-9_.-]+)\}$/.exec(part);
    return param?.[1] ? { param: true, name: param[1] } : { param: false, text: part };
  });
}

/** Segments of a path; a trailing slash is ignored, as API Gateway does. */
function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\//, '').replace(/\/$/, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

function matchPath<T>(resources: readonly Resource<T>[], rawPath: string): ResourceMatch<T> | undefined {
  const parts = splitPath(rawPath).map(decodeSegment);
  let best: Resource<T> | undefined;
  for (const resource of resources) {
    if (!fits(resource.segments, parts)) continue;
    if (!best || moreSpecific(resource.segments, best.segments)) best = resource;
  }
  if (!best) return undefined;
  const found = best;
  const pathParameters: Record<string, string> = {};
  found.segments.forEach((segment, index) => {
    if (segment.param) pathParameters[segment.name] = parts[index] ?? '';
  });
  return {
    resource: found.template,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    methods: [...found.methods.keys()],
    forMethod: (method) => found.methods.get(method.toUpperCase()) ?? found.methods.get('ANY'),
  };
}

function fits(segments: readonly Segment[], parts: readonly string[]): boolean {
  if (segments.length !== parts.length) return false;
  // A parameter never matches an empty segment (`/Users//`).
  return segments.every((segment, index) =>
    segment.param ? parts[index] !== '' : segment.text === parts[index],
  );
}

/** At the first position where the two differ in kind, the static segment wins. */
function moreSpecific(candidate: readonly Segment[], current: readonly Segment[]): boolean {
  for (let index = 0; index < candidate.length; index++) {
    const a = candidate[index]?.param;
    const b = current[index]?.param;
    if (a !== b) return b === true;
  }
  return false;
}

/** Path parameters reach the function URL-decoded; a malformed escape is passed on as sent. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
