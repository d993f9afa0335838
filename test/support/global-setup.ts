/**
 * vitest globalSetup: one in-memory DynamoDB Local for the whole run, shared by every test file
 * through `inject('dynamoEndpoint')`. Each file works in tables of its own (see ./dynamo.ts), so
 * sharing the process costs no isolation and saves a JVM start per file.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB Local's endpoint for this run, e.g. `http://127.0.0.1:41235`. */
    dynamoEndpoint: string;
  }
}

/** Starts DynamoDB Local; the returned teardown stops it, whether or not the tests passed. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}
