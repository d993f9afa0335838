/**
 * Checks a connector's requests (as a vendor fake recorded them) against the operations a vendor
 * documents: each operation is a method and a path template with `{parameters}`, and a request
 * is documented when some operation's method matches and its template matches the path.
 */
import type { FakeRequest } from '../../../local/fakes/fake-server.ts';

export interface DocumentedOperation {
  readonly method: string;
  /** The path after the API's base, with `{name}` for each path parameter. */
  readonly path: string;
  /** Where the vendor documents it (a URL, or the SDK module it comes from). */
  readonly source: string;
}

const templateRegex = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);

/**
 * The requests that match no documented operation, as `METHOD path` lines (empty when all do).
 *
 * @example
 * expect(undocumented(ZOOM_OPERATIONS, fake.requests, '/v2')).toEqual([]);
 */
export function undocumented(
  operations: readonly DocumentedOperation[],
  requests: readonly FakeRequest[],
  basePath: string,
): string[] {
  const compiled = operations.map((operation) => ({ ...operation, regex: templateRegex(operation.path) }));
  return requests
    .filter((request) => request.url.pathname.startsWith(basePath))
    .map((request) => ({ method: request.method, path: request.url.pathname.slice(basePath.length) }))
    .filter(
      ({ method, path }) =>
        !compiled.some((operation) => operation.method === method && operation.regex.test(path)),
    )
    .map(({ method, path }) => `${method} ${path}`);
}

/** The requests a fake answered, less the token endpoint's: the API calls a connector made. */
export const apiCalls = (requests: readonly FakeRequest[], tokenPath: string) =>
  requests.filter((request) => request.url.pathname !== tokenPath);
