import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { ConnectorLogger } from '../connectors/connector.ts';

/**
 * The structured logger of every function. Log keys, never bodies: SCIM bodies carry personal
 * data and Authorization headers carry credentials.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'scim-connector' });

/**
 * The logger as a connector sees it (`ConnectorLogger`): a message and structured keys. Keys are
 * passed as one attributes object, so they become top-level keys of the JSON line.
 *
 * @example
 * createConnectorQueueHandler({ ..., log: connectorLog(logger) });
 */
export function connectorLog(target: Logger): ConnectorLogger {
  const at =
    (level: 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (fields) target[level](message, fields as LogAttributes);
      else target[level](message);
    };
  return { info: at('info'), warn: at('warn'), error: at('error') };
}
