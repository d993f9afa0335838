import { inject } from 'vitest';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../local/runtime.ts';

export interface ScimReply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
  body: any;
}

export interface TestScim {
  runtime: LocalRuntime;
  /** Where its table is, as `npm start` writes them in its runtime file. */
  dynamoEndpoint: string;
  /** The runtime's table on the run's DynamoDB Local, for seeding through the stores directly. */
  tableName: string;
  /** A request relative to the directory's SCIM base URL, with its bearer token. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ScimReply>;
  close(): Promise<void>;
}

/**
 * Per-directory limit of test runtimes unless a test asks for another: suites such as the fuzz
 * tests fire bursts at one directory and test other things than throttling.
 */
const TEST_RATE_LIMIT_PER_SECOND = 1_000;

/** The local runtime on the test run's DynamoDB Local, with a table of its own. */
export async function startTestScim(
  options: {
    token?: string;
    rateLimitPerSecond?: number;
    integrationTimeoutMs?: number;
    events?: boolean;
  } & Pick<LocalRuntimeOptions, 'connectors' | 'connectorOptions' | 'groups' | 'adminToken'> = {},
): Promise<TestScim> {
  const tableName = `scim-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const runtime = await startLocalRuntime({
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName,
    port: 0,
    ...(options.token ? { token: options.token } : {}),
    rateLimitPerSecond: options.rateLimitPerSecond ?? TEST_RATE_LIMIT_PER_SECOND,
    ...(options.integrationTimeoutMs ? { integrationTimeoutMs: options.integrationTimeoutMs } : {}),
    // Suites that seed hundreds of users and test no events spare the stream poller the work.
    ...(options.events === false ? { events: false } : {}),
    ...(options.connectors ? { connectors: options.connectors } : {}),
    ...(options.connectorOptions ? { connectorOptions: options.connectorOptions } : {}),
    ...(options.groups ? { groups: options.groups } : {}),
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
  });
  return {
    runtime,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName,
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${runtime.baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${runtime.token}`,
          ...(body !== undefined ? { 'Content-Type': 'application/scim+json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    },
    close: () => runtime.close(),
  };
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A user as Entra ID creates it (attribute mapping defaults). */
export function entraUser(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: userName.split('@')[0],
    userName,
    active: true,
    displayName: 'Ada Lovelace',
    emails: [{ primary: true, type: 'work', value: userName }],
    name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
    [ENTERPRISE]: { department: 'Engineering', employeeNumber: '1815' },
    ...extra,
  };
}
