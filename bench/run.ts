/**
 * `npm run bench`: the Users service on DynamoDB Local, per operation: latency, DynamoDB calls
 * and capacity units, beside the fewest calls any single-table design could take. Writes
 * bench/results/users.md and users.json. Sizes come from the environment (bench/users/config.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureTable } from '../local/create-table.ts';
import { dynamoClientFor, localClientConfig, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { documentClient } from '../shared/adapters/dynamodb/client.ts';
import { DynamoGroupStore } from '../shared/adapters/dynamodb/group-store.ts';
import { DynamoUserStore } from '../shared/adapters/dynamodb/user-store.ts';
import { UserService } from '../shared/scim/users/user-service.ts';
import { calibrate } from './users/calibration.ts';
import { checkSizeModel, itemBytes, TransactionPricer } from './users/capacity.ts';
import { readConfig } from './users/config.ts';
import { userBody } from './users/fixtures.ts';
import { machine } from './users/machine.ts';
import { Meter } from './users/meter.ts';
import { type BenchResults, toJson, toMarkdown } from './users/report.ts';
import { type Bench, paging, scanFilter, singleUserOperations } from './users/scenarios.ts';
import {
  checkSeedMatchesStore,
  forgetBookmark,
  type SeededDirectory,
  seedDirectory,
  userItems,
} from './users/seed.ts';

const TABLE = 'scim-bench';
const config = readConfig();
const started = performance.now();
const log = (message: string) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

const dynamo = await startDynamoDbLocal();
log(`DynamoDB Local (pid ${dynamo.pid}) at ${dynamo.endpoint}`);
// Seeding and the bench's own sizing reads use a client of their own, so they are never counted.
const plain = documentClient(localClientConfig(dynamo.endpoint));
const observed = documentClient(localClientConfig(dynamo.endpoint));
try {
  await ensureTable(dynamoClientFor(dynamo.endpoint), TABLE);
  const meter = new Meter(new TransactionPricer(plain));
  meter.instrument(observed);
  const bench: Bench = {
    meter,
    service: new UserService(new DynamoUserStore(observed, TABLE), new DynamoGroupStore(observed, TABLE)),
  };
  await checkSeedMatchesStore(plain, TABLE);
  const sizeCheck = userItems('size-check', 'size-check', userBody(0, 'size'), new Date().toISOString());
  await checkSizeModel(plain, TABLE, sizeCheck);

  const seed = async (directoryId: string, users: number): Promise<SeededDirectory> => {
    const dir = await seedDirectory(plain, TABLE, directoryId, users, directoryId);
    log(`seeded ${users.toLocaleString('en')} users into ${directoryId} in ${dir.seconds.toFixed(1)} s`);
    return dir;
  };

  const warmup = await seed('warmup', 200);
  await singleUserOperations(bench, warmup, config.warmupIterations);
  await scanFilter(bench, warmup, config.warmupIterations);
  log('warmed up');

  const small = await seed('small', config.users);
  const operations = await singleUserOperations(bench, small, config.iterations);
  log('single-user operations measured');
  operations.push(await scanFilter(bench, small, config.iterations));
  const large = await seed('large', config.scanUsers);
  operations.push(await scanFilter(bench, large, config.scanIterations));
  log('non-indexed filters measured');

  const pagingDir = await seed('paging', config.pagingUsers);
  const pagingRun = await paging(bench, pagingDir, config.coldSamples, (startIndex) =>
    forgetBookmark(plain, TABLE, pagingDir.directoryId, startIndex),
  );
  log(`paging measured (walk of ${pagingRun.walk.length} pages in ${pagingRun.walkSeconds.toFixed(1)} s)`);
  const calibration = await calibrate(
    plain,
    TABLE,
    [small, large, pagingDir].map((dir) => ({ directoryId: dir.directoryId, users: dir.ids.length })),
  );

  const results: BenchResults = {
    machine: machine(),
    config,
    seconds: (performance.now() - started) / 1000,
    userItemBytes: itemBytes(sizeCheck[0] ?? {}),
    seeds: [small, large, pagingDir].map((dir) => ({ users: dir.ids.length, seconds: dir.seconds })),
    operations,
    paging: pagingRun,
    calibration,
  };
  await mkdir(config.resultsDir, { recursive: true });
  const markdown = toMarkdown(results);
  await writeFile(join(config.resultsDir, 'users.md'), markdown);
  const json = join(config.resultsDir, 'users.json');
  await writeFile(json, `${JSON.stringify(toJson(results), null, 2)}\n`);
  formatLikeTheRepository(json);
  console.log(markdown);
  log(`results in ${config.resultsDir}`);
} finally {
  observed.destroy();
  plain.destroy();
  await dynamo.stop();
}

/**
 * The results are committed and `npm run check` checks the format of every JSON file, so the file
 * is written as the repository's formatter writes it (it lays arrays of numbers out in lines).
 */
function formatLikeTheRepository(path: string): void {
  try {
    const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
    execFileSync(process.execPath, [biome, 'format', '--write', path], { stdio: 'ignore' });
  } catch (error) {
    log(`${path} left unformatted: ${(error as Error).message.split('\n')[0]}`);
  }
}
