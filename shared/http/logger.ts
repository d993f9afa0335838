import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The structured logger of every function. Log keys, never bodies: SCIM bodies carry personal
 * data and Authorization headers carry credentials.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'scim-connector' });
