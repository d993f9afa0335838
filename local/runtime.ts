/**
 * The local runtime: the same Lambda handlers, served over HTTP the way API Gateway invokes them,
 * on DynamoDB Local. `npm start` runs it with a persistent database; the end-to-end tests run it
 * against the test run's DynamoDB Local. Lifecycle events flow as in AWS: the table's stream is
 * polled, the same relay handler turns changes into events, and a local bus routes them by the
 * shared patterns to whoever subscribed (`runtime.events.subscribe`).
 */
import { timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { documentClient } from '../shared/adapters/dynamodb/client.ts';
import { DynamoDirectoryStore } from '../shared/adapters/dynamodb/directory-store.ts';
import { DynamoGroupStore } from '../shared/adapters/dynamodb/group-store.ts';
import { DynamoRevocationLedger } from '../shared/adapters/dynamodb/revocation-ledger.ts';
import { DynamoTokenStore, generateToken } from '../shared/adapters/dynamodb/token-store.ts';
import { IN_PROCESS_QUEUE_URL } from '../shared/adapters/in-process/group-deletion-queue.ts';
import type { GroupReader } from '../shared/connectors/scope.ts';
import { ENV } from '../shared/contracts/env.ts';
import { evidenceRoutes } from '../shared/contracts/evidence-routes.ts';
import { type ScimFunctionName, scimFunctions, scimRoutes } from '../shared/contracts/routes.ts';
import { createRelayHandler } from '../shared/events/relay.ts';
import { EvidenceService } from '../shared/evidence/evidence.ts';
import { createEvidenceApiHandler } from '../shared/evidence/evidence-api.ts';
import { startApiGateway } from './api-gateway.ts';
import {
  type LocalConnectorSetup,
  type LocalConnectors,
  type LocalConnectorsOptions,
  startLocalConnectors,
} from './connectors.ts';
import { ensureTables, localEvidenceTableName } from './create-table.ts';
import { dynamoClientFor } from './dynamodb-local.ts';
import { answerOutagesWith503, type DynamoDbLocalHealth } from './dynamodb-outage.ts';
import { LocalEventBus } from './event-bus.ts';
import { type LocalGroupSweeper, startLocalGroupSweeper } from './group-sweeper.ts';
import type { LocalSqsQueue } from './sqs-queue.ts';
import { readStreamCheckpoint, writeStreamCheckpoint } from './stream-checkpoint-file.ts';
import { type StreamPoller, startStreamPoller } from './stream-poller.ts';

export interface LocalRuntimeOptions {
  /** DynamoDB Local's endpoint. */
  readonly dynamoEndpoint: string;
  /** Told each step of the start-up ("Creating tables…"), so a slow start is not a silent one. */
  readonly onProgress?: (step: string) => void;
  readonly tableName: string;
  /** The evidence table (revocation ledger). @default `{tableName}-evidence` */
  readonly evidenceTableName?: string;
  /** HTTP port; 0 picks a free one. */
  readonly port: number;
  readonly directoryId?: string;
  /** The bearer token of the directory; generated when absent. */
  readonly token?: string;
  readonly logRequests?: boolean;
  /** Poll the stream and relay lifecycle events to the local bus (default true). */
  readonly events?: boolean;
  /** Level of the relay's structured log lines (default WARN: failures only). */
  readonly relayLogLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Requests per second and directory before 429 (the functions' default when absent). */
  readonly rateLimitPerSecond?: number;
  /** API Gateway's integration timeout (29 s unless a test needs DynamoDB Local to have longer). */
  readonly integrationTimeoutMs?: number;
  /** Applications to deprovision, each with its queue and DLQ on the local bus (needs `events`). */
  readonly connectors?: readonly LocalConnectorSetup[];
  /** Timing and hooks of the connector queues (tests shorten them; `npm start` prints outcomes). */
  readonly connectorOptions?: Pick<
    LocalConnectorsOptions,
    'backoff' | 'maxReceiveCount' | 'vendorHttp' | 'onRecorded' | 'onDeadLetter' | 'log'
  >;
  /** Group memberships for connector scopes. @default the runtime's own groups */
  readonly groups?: GroupReader;
  /** What the evidence API accepts as `Authorization: Bearer …` locally (AWS_IAM in AWS); generated when absent. */
  readonly adminToken?: string;
  /** Whether DynamoDB Local is up (`npm start` supervises it): while down, 503s and paused readers. */
  readonly dynamoHealth?: DynamoDbLocalHealth;
  /**
   * Where the stream position is kept (`npm start`: beside its data), so that a restart resumes
   * where the consumers had got to instead of at the stream's end. See local/stream-poller.ts.
   */
  readonly streamCheckpointFile?: string;
}

export interface LocalRuntime {
  /** e.g. http://localhost:8080 */
  readonly url: string;
  /** e.g. http://localhost:8080/default/scim/v2 */
  readonly baseUrl: string;
  readonly directoryId: string;
  readonly token: string;
  readonly tokens: DynamoTokenStore;
  readonly directories: DynamoDirectoryStore;
  /** The local EventBridge bus: subscribe with a shared pattern to receive lifecycle events. */
  readonly events: LocalEventBus;
  /** The revocation ledger and the evidence read from it. */
  readonly ledger: DynamoRevocationLedger;
  readonly evidence: EvidenceService;
  /** The connectors' queues and the evidence recorder, when connectors were given. */
  readonly connectors?: LocalConnectors;
  /** The group sweeper's queue: group deletes too large for a request finish from there. */
  readonly groupDeletions: LocalSqsQueue;
  /** The evidence API's local credential. */
  readonly adminToken: string;
  close(): Promise<void>;
}

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Starts the SCIM API on the given DynamoDB Local: table created from the shared definition, directory and token registered. */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  // The functions read their configuration at module scope, as they do in Lambda.
  const evidenceTableName = options.evidenceTableName ?? localEvidenceTableName(options.tableName);
  process.env[ENV.tableName] = options.tableName;
  process.env[ENV.evidenceTableName] = evidenceTableName;
  process.env[ENV.dynamoEndpoint] = options.dynamoEndpoint;
  // Group deletes too large for a request go to the sweeper running in this process.
  process.env[ENV.groupDeletionQueueUrl] = IN_PROCESS_QUEUE_URL;
  if (options.rateLimitPerSecond !== undefined)
    process.env[ENV.rateLimitPerSecond] = String(options.rateLimitPerSecond);
  process.env.AWS_REGION ??= 'local';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  // While a supervised DynamoDB Local restarts: requests answered 503, stream and queues paused.
  const health = options.dynamoHealth;
  const paused = health ? () => !health.available() : undefined;

  options.onProgress?.('Creating tables…');
  const { directory: table } = await ensureTables(
    dynamoClientFor(options.dynamoEndpoint),
    options.tableName,
    evidenceTableName,
  );
  const directoryId = options.directoryId ?? 'default';
  const client = documentClient({ endpoint: options.dynamoEndpoint });
  const tokens = new DynamoTokenStore(client, options.tableName);
  const directories = new DynamoDirectoryStore(client, options.tableName);
  const bus = new LocalEventBus((error) => console.error('Local event subscriber failed:', error));
  const ledger = new DynamoRevocationLedger(client, evidenceTableName);
  const evidence = new EvidenceService(ledger);
  // Connectors subscribe before the stream is read, so that they see the first event too.
  if (options.connectors && options.connectors.length > 0) options.onProgress?.('Starting connectors…');
  const connectors =
    options.connectors && options.connectors.length > 0
      ? startLocalConnectors({
          bus,
          ledger,
          groups: options.groups ?? new DynamoGroupStore(client, options.tableName),
          connectors: options.connectors,
          ...options.connectorOptions,
          ...(paused ? { paused } : {}),
        })
      : undefined;
  // Start reading the stream before anything is written, so that no change is missed. A table
  // that already held data (a persisted `npm start`) resumes from its checkpoint; without one,
  // it is read from now on, not replayed.
  const checkpointFile = options.streamCheckpointFile;
  const poller: StreamPoller | undefined =
    options.events === false
      ? undefined
      : await startStreamPoller({
          endpoint: options.dynamoEndpoint,
          tableName: options.tableName,
          startFrom: table.created ? 'TRIM_HORIZON' : 'LATEST',
          ...(checkpointFile && {
            resumeFrom: await readStreamCheckpoint(checkpointFile),
            settled: () => bus.settled(),
            onCheckpoint: (checkpoint) => writeStreamCheckpoint(checkpointFile, checkpoint),
          }),
          ...(paused ? { paused } : {}),
          handler: createRelayHandler({
            publisher: bus,
            logger: new Logger({ serviceName: 'event-relay', logLevel: options.relayLogLevel ?? 'WARN' }),
          }),
          onError: (error) => console.error('Local stream poller:', error),
        });
  const sweeper: LocalGroupSweeper = startLocalGroupSweeper({
    client,
    tableName: options.tableName,
    onError: (error) => console.error('Local group sweeper:', error),
    onDeadLetter: (letter) => console.error('Local group sweeper gave up on', letter.body, letter.reason),
  });
  await directories.create(directoryId, 'Default directory');
  const token = options.token ?? generateToken();
  await tokens.register(directoryId, token, { label: 'local runtime' });

  options.onProgress?.('Loading the SCIM functions…');
  const handlers = {} as Record<ScimFunctionName, Handler>;
  for (const [name, fn] of Object.entries(scimFunctions) as [
    ScimFunctionName,
    (typeof scimFunctions)[ScimFunctionName],
  ][]) {
    const module = (await import(new URL(`../${fn.entry}`, import.meta.url).href)) as { handler: Handler };
    handlers[name] = health ? answerOutagesWith503(module.handler, health) : module.handler;
  }
  const adminToken = options.adminToken ?? generateToken().replace(/^scim_/, 'admin_');
  const evidenceApi = createEvidenceApiHandler(evidence);
  const evidenceHandler = health ? answerOutagesWith503(evidenceApi, health) : evidenceApi;
  const api = await startApiGateway({
    port: options.port,
    routes: [
      ...scimRoutes.map((route) => ({
        method: route.method,
        resource: route.resource,
        handler: handlers[route.function],
      })),
      ...evidenceRoutes.map((route) => ({
        method: route.method,
        resource: route.resource,
        handler: evidenceHandler,
        functionName: 'evidence-api',
        authorize: (authorization: string | undefined) => sameSecret(authorization, `Bearer ${adminToken}`),
      })),
    ],
    ...(options.logRequests ? { logRequests: true } : {}),
    ...(options.integrationTimeoutMs ? { integrationTimeoutMs: options.integrationTimeoutMs } : {}),
  });
  return {
    url: api.url,
    baseUrl: `${api.url}/${directoryId}/scim/v2`,
    directoryId,
    token,
    tokens,
    directories,
    events: bus,
    ledger,
    evidence,
    ...(connectors ? { connectors } : {}),
    groupDeletions: sweeper.queue,
    adminToken,
    async close() {
      await api.close();
      await sweeper.close();
      await poller?.stop();
      await connectors?.close();
    },
  };
}

/** The development token: SCIM_DEV_TOKEN, or the one saved by an earlier start, or a new one saved for next time. */
export async function devToken(file: string, fromEnv: string | undefined): Promise<string> {
  if (fromEnv) return fromEnv;
  const saved = await readFile(file, 'utf8')
    .then((text) => text.trim())
    .catch(() => '');
  if (saved) return saved;
  const token = generateToken();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Compares a presented credential with the expected one in constant time. */
function sameSecret(presented: string | undefined, expected: string): boolean {
  const a = Buffer.from(presented ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
