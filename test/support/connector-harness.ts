/**
 * Runs one connector handler the way the runtime will: settings and secrets parsed by the
 * connector's own schemas, the vendor client built from its definition, a lifecycle event as the
 * relay publishes it. Retry delays are short so failure tests stay fast.
 */
import type { ConnectorDefinition, Outcome, UserEventType } from '../../shared/connectors/connector.ts';
import { connectorHttp, type RetryPolicy } from '../../shared/connectors/vendor-http.ts';
import { type EventOf, eventSchemas } from '../../shared/events/catalogue.ts';
import type { UserSnapshot } from '../../shared/events/envelope.ts';

export const FAST_RETRY: Partial<RetryPolicy> = {
  retries: 3,
  timeoutMs: 2_000,
  initialDelayMs: 5,
  maxDelayMs: 20,
  maxRetryAfterMs: 2_000,
};

let counter = 0;

/** A user event as the relay publishes it (validated by the catalogue's schema). */
export function userEvent<T extends UserEventType>(type: T, user: Partial<UserSnapshot> = {}): EventOf<T> {
  counter++;
  return eventSchemas[type].parse({
    type,
    eventId: counter.toString(16).padStart(32, '0'),
    directoryId: 'default',
    occurredAt: '2026-03-02T09:00:00.000Z',
    sequence: counter,
    actor: { kind: 'token', id: 'tok-1', label: 'Entra ID' },
    user: {
      id: `user-${counter}`,
      userName: 'ada.lovelace@example.com',
      active: type === 'user.reactivated' || type === 'user.created' || type === 'user.updated',
      displayName: 'Ada Lovelace',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: 'ada.lovelace@example.com', type: 'work', primary: true }],
      ...user,
    },
    ...(type === 'user.updated' ? { changedAttributes: ['displayName'] } : {}),
  }) as EventOf<T>;
}

export interface Logged {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

/** Runs the connector's handler for `event` and returns its outcome (and what it logged). */
export async function runHandler<Settings, Secrets>(
  definition: ConnectorDefinition<Settings, Secrets>,
  event: EventOf<UserEventType>,
  config: { readonly settings: unknown; readonly secrets: unknown },
  options: {
    readonly budgetMs?: number;
    readonly retry?: Partial<RetryPolicy>;
    /** What the runtime would hand a reactivation: the last revocation's `restoreState`. */
    readonly restoreState?: Readonly<Record<string, string>>;
  } = {},
): Promise<Outcome & { readonly logged: readonly Logged[] }> {
  const settings = definition.settings.parse(config.settings);
  const secrets = definition.secrets.parse(config.secrets);
  const logged: Logged[] = [];
  const log = {
    info: (message: string, fields?: Record<string, unknown>) =>
      logged.push({ level: 'info', message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) =>
      logged.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: Record<string, unknown>) =>
      logged.push({ level: 'error', message, fields }),
  };
  const http = connectorHttp(
    definition,
    { settings, secrets },
    { retry: options.retry ?? FAST_RETRY, budgetMs: options.budgetMs ?? 10_000, log },
  );
  const handler = definition.handlers[event.type] as
    | ((event: EventOf<UserEventType>, context: unknown) => Promise<Outcome>)
    | undefined;
  if (!handler) throw new Error(`${definition.id} has no handler for ${event.type}`);
  const outcome = await handler(event, {
    settings,
    secrets,
    http,
    log,
    attempt: 1,
    ...(options.restoreState ? { restoreState: options.restoreState } : {}),
  });
  return { ...outcome, logged };
}
