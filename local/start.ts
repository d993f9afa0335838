/**
 * `npm start`: the connector on this machine, no AWS account needed. DynamoDB Local keeps its
 * data under .local/ (git-ignored), so users survive a restart. PORT and SCIM_DEV_TOKEN are honoured.
 */
import { eventPatterns } from '../shared/events/patterns.ts';
import { localEvidenceTableName } from './create-table.ts';
import { superviseDynamoDbLocal } from './dynamodb-supervisor.ts';
import { formatDeadLetterLine, formatEventLine, formatOutcomeLine } from './event-console.ts';
import { devToken, startLocalRuntime } from './runtime.ts';
import { removeRuntimeFile, writeRuntimeFile } from './runtime-file.ts';
import { type LocalConnectorChoice, localConnectors } from './shipped-connectors.ts';
import { STREAM_CHECKPOINT_FILE } from './stream-checkpoint-file.ts';

const port = Number(process.env.PORT ?? 8080);
const tableName = 'scim-directory';
const evidenceTableName = localEvidenceTableName(tableName);
// A step per line until the banner: the first start takes seconds, and a silent terminal looks hung.
const progress = (step: string) => console.log(step);
progress('Starting DynamoDB Local…');
// Restarted when its JVM dies; after too many deaths `npm start` stops, saying why.
const dynamo = await superviseDynamoDbLocal({
  dataDir: '.local/dynamodb',
  onGiveUp: (reason) => {
    console.error(`${reason}\nStopping npm start. Start it again once the cause is fixed: no data is lost.`);
    void stop(1);
  },
}).catch((error: unknown) => {
  console.error(`Cannot start DynamoDB Local: ${(error as Error).message}`);
  process.exit(1);
});
let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await removeRuntimeFile().catch(() => undefined);
    await runtime?.close().catch(() => undefined);
    await connectors?.fakes?.close().catch(() => undefined);
    await dynamo.stop().catch(() => undefined);
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

let runtime: Awaited<ReturnType<typeof startLocalRuntime>> | undefined;
let connectors: LocalConnectorChoice | undefined;
try {
  // Every shipped connector against its local fake, unless .local/connectors.json says otherwise.
  progress("Starting the connectors' local applications (fakes)…");
  connectors = await localConnectors();
  runtime = await startLocalRuntime({
    dynamoEndpoint: dynamo.endpoint,
    onProgress: progress,
    tableName,
    evidenceTableName,
    port,
    token: await devToken('.local/dev-token', process.env.SCIM_DEV_TOKEN),
    adminToken: await devToken('.local/admin-token', process.env.SCIM_ADMIN_TOKEN),
    logRequests: true,
    dynamoHealth: dynamo,
    streamCheckpointFile: STREAM_CHECKPOINT_FILE,
    connectors: connectors.setups,
    connectorOptions: {
      onRecorded: (recorded) => console.log(formatOutcomeLine(recorded)),
      onDeadLetter: (queue, letter) => console.log(formatDeadLetterLine(queue, letter)),
    },
  });
} catch (error) {
  console.error(error);
  await stop(1);
}

if (runtime) {
  // `npm run admin` finds this DynamoDB Local through the file, with no flags.
  await writeRuntimeFile({ dynamoEndpoint: dynamo.endpoint, tableName, evidenceTableName, url: runtime.url });
  // Every event on the local bus, by the same catch-all pattern the archive uses in AWS.
  runtime.events.subscribe(eventPatterns.all, (event) => console.log(formatEventLine(event)));
  console.log(`
SCIM connector running on DynamoDB Local (data in .local/dynamodb)

  Tenant URL / SCIM base URL:  ${runtime.baseUrl}
  Secret token (Bearer):       ${runtime.token}

  Try:  curl -H "Authorization: Bearer ${runtime.token}" "${runtime.baseUrl}/Users?filter=userName%20eq%20%22ada%40example.com%22"

  More directories and tokens:  npm run admin -- --help

  Connectors: ${connectors?.description ?? 'none'}
  Evidence of a leaver:         npm run admin -- evidence <userName>
  Evidence API (admin token):   curl -H "Authorization: Bearer ${runtime.adminToken}" "${runtime.url}/default/evidence/leavers?since=${new Date().getUTCFullYear()}-01-01&format=table"

  Lifecycle events (user.created, user.deactivated...) and each connector's outcome are printed below as they flow.

Press Ctrl-C to stop.`);
}
