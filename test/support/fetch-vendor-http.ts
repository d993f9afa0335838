/**
 * A plain fetch VendorHttp for runtime tests: one request, no retries, so that what a test sees
 * is what the runtime did. (The shipped client, with retries and Retry-After, is tested on its own.)
 */
import type { VendorHttp } from '../../shared/connectors/connector.ts';

export function fetchVendorHttp(baseUrl: string): VendorHttp {
  return {
    async request(request) {
      const url = new URL(request.url, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
      for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
      const response = await fetch(url, {
        method: request.method,
        headers: {
          ...(request.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...request.headers,
        },
        ...(request.json !== undefined ? { body: JSON.stringify(request.json) } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const requestId = response.headers.get('x-request-id') ?? undefined;
      return {
        status: response.status,
        headers: response.headers,
        body,
        ...(requestId ? { requestId } : {}),
      };
    },
  };
}
