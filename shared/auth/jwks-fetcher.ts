import { FetchError } from 'aws-jwt-verify/error';
import { type Fetcher, SimpleFetcher } from 'aws-jwt-verify/https';

const LOOPBACK = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//;
const LOOPBACK_TIMEOUT_MS = 3_000;

/**
 * Fetches JWKS documents. Anything public goes through aws-jwt-verify's own fetcher (HTTPS only,
 * timeouts, one retry). Plain HTTP is accepted for loopback addresses alone, where no network
 * can tamper with the keys: that is how `npm start` and the tests reach a local authorization
 * server without certificates.
 *
 * @example
 * new SimpleJwksCache({ fetcher: new JwksFetcher() });
 */
export class JwksFetcher implements Fetcher {
  private readonly https = new SimpleFetcher();

  async fetch(
    uri: string,
    requestOptions?: Record<string, unknown>,
    data?: ArrayBuffer,
  ): Promise<ArrayBuffer> {
    if (!LOOPBACK.test(uri)) return this.https.fetch(uri, requestOptions, data);
    let response: Response;
    try {
      response = await fetch(uri, { signal: AbortSignal.timeout(LOOPBACK_TIMEOUT_MS) });
    } catch (error) {
      throw new FetchError(uri, error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw new FetchError(uri, `Status code is ${response.status}, expected 200`);
    return response.arrayBuffer();
  }
}
