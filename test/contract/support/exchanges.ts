/**
 * What a connector and a vendor fake said to each other, request by request, in the shape the
 * contract checks read: method, path under the API's base, query, parsed JSON bodies.
 *
 * @example
 * const exchanges = exchangesOf(fake, { basePath: '/api/v2', except: (path) => path === '/graphql' });
 */
import type { FakeVendor } from '../../../local/fakes/fake-server.ts';

export interface Exchange {
  readonly request: {
    readonly method: string;
    /** The path under the API's base path, as the description writes paths. */
    readonly path: string;
    readonly query: Readonly<Record<string, string>>;
    readonly body?: unknown;
  };
  readonly reply: { readonly status: number; readonly body?: unknown };
}

/** The fake's requests and replies paired; `basePath` is cut from each path, `except` leaves some out. */
export function exchangesOf(
  fake: Pick<FakeVendor, 'requests' | 'replies'>,
  options: {
    readonly basePath?: string;
    readonly except?: (path: string) => boolean;
    /** Rewrites a path the vendor also accepts into the description's form (Zendesk's `.json` suffix). */
    readonly rewrite?: (path: string) => string;
  } = {},
): Exchange[] {
  return fake.requests.flatMap((request, index) => {
    const reply = fake.replies[index];
    const under = request.url.pathname.replace(new RegExp(`^${options.basePath ?? ''}`), '');
    const path = options.rewrite ? options.rewrite(under) : under;
    if (!reply || options.except?.(path)) return [];
    return [
      {
        request: {
          method: request.method,
          path,
          query: Object.fromEntries(request.url.searchParams),
          ...(request.body !== '' ? { body: JSON.parse(request.body) as unknown } : {}),
        },
        reply: { status: reply.status, ...(reply.body !== undefined ? { body: reply.body } : {}) },
      },
    ];
  });
}
