/**
 * A process that starts DynamoDB Local, prints `{"port":…,"pid":…}` on one line and then ends
 * the way argv[2] says, so tests can check that no JVM survives its parent: `wait` (until a
 * signal), or, once a line arrives on stdin (after the test has seen the JVM), `exit`
 * (process.exit without stop()) or `throw` (an uncaught error).
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

const mode = process.argv[2] ?? 'wait';
const dynamo = await startDynamoDbLocal();
console.log(JSON.stringify({ port: dynamo.port, pid: dynamo.pid }));

if (mode !== 'wait') {
  await once(createInterface({ input: process.stdin }), 'line');
  if (mode === 'exit') process.exit(0);
  throw new Error('uncaught on purpose');
}
