/**
 * Connectors on the local runtime, wired as AppConnector wires them in AWS: for each configured
 * application a subscription on the bus by the pattern of the event types it handles, a local
 * SQS queue with a DLQ, and the same SQS handler the connector function runs; beside them the
 * evidence recorder on its own queue. Only the clock is faster: retries back off in fractions of
 * a second instead of minutes, so a newcomer sees a vendor outage recover within seconds.
 */
import type { BackoffPolicy } from '../shared/connectors/backoff.ts';
import {
  type ConnectorLogger,
  subscribedEventTypes,
  type VendorHttpSetup,
} from '../shared/connectors/connector.ts';
import { prepareConnector } from '../shared/connectors/prepare.ts';
import {
  createConnectorQueueHandler,
  createRecorderQueueHandler,
  type QueueHandler,
} from '../shared/connectors/queue-handler.ts';
import { manifestOf, planOf, type RegisteredConnector } from '../shared/connectors/registry.ts';
import type { PreparedConnector, RecordedOutcome } from '../shared/connectors/runtime.ts';
import type { GroupReader, Scope } from '../shared/connectors/scope.ts';
import type { VendorHttpOptions } from '../shared/connectors/vendor-http.ts';
import { patternOfTypes } from '../shared/events/patterns.ts';
import { RECORDED_EVENT_TYPES } from '../shared/evidence/evidence-recorder.ts';
import type { RevocationLedger } from '../shared/ports/revocation-ledger.ts';
import type { LocalEventBus } from './event-bus.ts';
import { type DeadLetter, LocalSqsQueue } from './sqs-queue.ts';

/** One application to run locally. */
export interface LocalConnectorSetup {
  readonly definition: RegisteredConnector;
  readonly name?: string;
  readonly scope: Scope;
  readonly settings: unknown;
  /** The secrets as JSON (from a fake, `.local/connector-secrets.json` or the environment). */
  readonly secrets: unknown;
}

export interface LocalConnectorsOptions {
  readonly bus: LocalEventBus;
  readonly ledger: RevocationLedger;
  readonly groups: GroupReader;
  readonly connectors: readonly LocalConnectorSetup[];
  /** @default 0.25 s doubling up to 4 s */
  readonly backoff?: BackoffPolicy;
  /** @default 6 */
  readonly maxReceiveCount?: number;
  /** Options of each event's vendor client (tests shorten its retries). */
  readonly vendorHttp?: Omit<VendorHttpOptions, keyof VendorHttpSetup | 'log'>;
  readonly onRecorded?: (recorded: RecordedOutcome) => void;
  readonly onDeadLetter?: (queue: string, letter: DeadLetter) => void;
  readonly log?: ConnectorLogger;
  /** Queues receive nothing while this says so (DynamoDB Local is restarting). */
  readonly paused?: () => boolean;
}

export interface LocalConnectors {
  /** Each connector's queue, by ledger id. */
  readonly queues: Readonly<Record<string, LocalSqsQueue>>;
  readonly recorder: LocalSqsQueue;
  readonly prepared: readonly PreparedConnector[];
  close(): Promise<void>;
}

/** A second instead of minutes: the shape of AWS's backoff at local speed. */
export const localBackoff: BackoffPolicy = { baseSeconds: 0.25, maxSeconds: 4 };

const quiet: ConnectorLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Starts the connectors and the evidence recorder on the local bus.
 *
 * @example
 * const connectors = startLocalConnectors({ bus: runtime.events, ledger, groups: noGroups, connectors: setups });
 */
export function startLocalConnectors(options: LocalConnectorsOptions): LocalConnectors {
  const log = options.log ?? quiet;
  const maxReceiveCount = options.maxReceiveCount ?? 6;
  const backoff = options.backoff ?? localBackoff;
  const stops: (() => void)[] = [];
  const queues: Record<string, LocalSqsQueue> = {};
  const prepared: PreparedConnector[] = [];

  const queueFor = (name: string, handler: () => QueueHandler) =>
    new LocalSqsQueue({
      name,
      handler: (event) => handler()(event),
      maxReceiveCount,
      // A message nobody answers for (a crash) reappears quickly, as a short visibility timeout would.
      visibilityTimeoutMs: 10_000,
      ...(options.paused ? { paused: options.paused } : {}),
      onDeadLetter: (letter) => options.onDeadLetter?.(name, letter),
      onError: (error) => log.error('Local queue handler failed', { queue: name, error: String(error) }),
    });

  for (const setup of options.connectors) {
    const connector = prepareConnector({
      definition: setup.definition,
      ...(setup.name ? { name: setup.name } : {}),
      settings: setup.settings,
      scope: setup.scope,
      secrets: async () => setup.secrets,
      ...(options.vendorHttp ? { vendorHttp: options.vendorHttp } : {}),
    }) as PreparedConnector;
    prepared.push(connector);
    const queue: LocalSqsQueue = queueFor(`connector-${connector.id}`, () => handler);
    const handler = createConnectorQueueHandler({
      connector,
      runtime: {
        ledger: options.ledger,
        groups: options.groups,
        log,
        leaseMs: 30_000,
        ...(options.onRecorded ? { onRecorded: options.onRecorded } : {}),
      },
      queue: queue.connectorQueue,
      maxReceiveCount,
      backoff,
      log,
    });
    queues[connector.id] = queue;
    stops.push(
      options.bus.subscribe(patternOfTypes(subscribedEventTypes(setup.definition)), (event) =>
        queue.whenHandled(queue.send(JSON.stringify(event))),
      ),
    );
  }

  const recorderHandler = createRecorderQueueHandler({
    plans: options.connectors.map((setup) =>
      planOf(manifestOf(setup.definition), {
        id: setup.definition.id,
        ...(setup.name ? { name: setup.name } : {}),
        scope: setup.scope,
        settings: setup.settings,
      }),
    ),
    recorder: { ledger: options.ledger, groups: options.groups },
    log,
  });
  const recorder = queueFor('evidence-recorder', () => recorderHandler);
  stops.push(
    // Done with an event once its message is handled: only then may the stream be checkpointed past it.
    options.bus.subscribe(patternOfTypes(RECORDED_EVENT_TYPES), (event) =>
      recorder.whenHandled(recorder.send(JSON.stringify(event))),
    ),
  );

  return {
    queues,
    recorder,
    prepared,
    async close() {
      for (const stop of stops) stop();
      await Promise.all([recorder.close(), ...Object.values(queues).map((queue) => queue.close())]);
    },
  };
}
