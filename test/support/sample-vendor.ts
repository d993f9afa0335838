/**
 * A tiny vendor for testing the connector runtime: "Acme Chat", a user API behind a bearer
 * token. Accounts are found by e-mail and deactivated or reactivated by id. Tests can seed
 * accounts, take the vendor down for a number of requests (503), or make it slow.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SAMPLE_VENDOR_TOKEN = 'acme-chat-token';

export interface SampleAccount {
  readonly id: string;
  readonly email: string;
  active: boolean;
}

export interface SampleVendor {
  readonly url: string;
  readonly accounts: Map<string, SampleAccount>;
  /** Every request as `METHOD /path`, in order. */
  readonly calls: string[];
  seed(email: string): SampleAccount;
  /** The next `requests` requests get 503. */
  outage(requests: number): void;
  /** Every request waits this long first. */
  slow(ms: number): void;
  close(): Promise<void>;
}

/**
 * @example
 * const vendor = await startSampleVendor();
 * vendor.seed('ada@example.com');
 */
export async function startSampleVendor(): Promise<SampleVendor> {
  const accounts = new Map<string, SampleAccount>();
  const calls: string[] = [];
  let failing = 0;
  let delayMs = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://vendor');
    calls.push(`${req.method} ${url.pathname}`);
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': randomUUID() });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    setTimeout(() => {
      if (failing > 0) {
        failing--;
        return reply(503, { error: 'maintenance' });
      }
      if (req.headers.authorization !== `Bearer ${SAMPLE_VENDOR_TOKEN}`)
        return reply(401, { error: 'bad token' });
      if (req.method === 'GET' && url.pathname === '/users') {
        const email = url.searchParams.get('email') ?? '';
        return reply(200, { users: [...accounts.values()].filter((account) => account.email === email) });
      }
      const action = /^\/users\/([^/]+)\/(deactivate|activate)$/.exec(url.pathname);
      const account = action ? accounts.get(action[1] ?? '') : undefined;
      if (req.method === 'POST' && action) {
        if (!account) return reply(404, { error: 'no such user' });
        account.active = action[2] === 'activate';
        return reply(200, account);
      }
      return reply(404, { error: 'no such route' });
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accounts,
    calls,
    seed(email) {
      const account = { id: randomUUID(), email, active: true };
      accounts.set(account.id, account);
      return account;
    },
    outage(requests) {
      failing = requests;
    },
    slow(ms) {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
