/**
 * The measured operations. Every one goes through UserService over DynamoUserStore, one at a
 * time, as an IdP's sequential provisioning run does; each sample is one service call.
 */
import type { UserService } from '../../shared/scim/users/user-service.ts';
import { contextFor, entraPatch, random, replaceBody, userBody } from './fixtures.ts';
import type { Meter } from './meter.ts';
import type { SeededDirectory } from './seed.ts';
import type { Sample } from './stats.ts';

export type OperationKey =
  | 'create'
  | 'get'
  | 'filterUserName'
  | 'filterExternalId'
  | 'listPage'
  | 'replace'
  | 'patch'
  | 'delete'
  | 'filterScan';

export interface OperationRun {
  readonly key: OperationKey;
  /** Users in the directory when the run started. */
  readonly users: number;
  readonly samples: Sample[];
}

export interface Bench {
  readonly service: UserService;
  readonly meter: Meter;
}

const PAGE = 100;
const SCAN_FILTER = 'name.givenName sw "A"';

async function sample(bench: Bench, times: number, operation: (i: number) => Promise<unknown>) {
  const samples: Sample[] = [];
  for (let i = 0; i < times; i++) {
    const { ms, tally } = await bench.meter.measure(() => operation(i));
    samples.push({ ms, tally });
  }
  return samples;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`Bench sanity check failed: ${message}`);
}

/**
 * The single-user operations on a seeded directory. Creates add `iterations` users that PUT,
 * PATCH and DELETE then work on, so the directory ends the size it started.
 */
export async function singleUserOperations(
  bench: Bench,
  dir: SeededDirectory,
  iterations: number,
): Promise<OperationRun[]> {
  const { service } = bench;
  const ctx = contextFor(dir.directoryId);
  const pick = random(42);
  const someone = () => Math.floor(pick() * dir.ids.length);
  const tag = `${dir.tag}new`;
  const created: string[] = [];
  const runs: OperationRun[] = [];
  const run = async (key: OperationKey, operation: (i: number) => Promise<unknown>) => {
    const users = dir.ids.length + created.length;
    runs.push({ key, users, samples: await sample(bench, iterations, operation) });
  };

  await run('create', async (i) => {
    created.push(String((await service.create(ctx, userBody(i, tag))).resource.id));
  });
  await run('get', async () => {
    const n = someone();
    const found = await service.get(ctx, dir.ids[n] ?? '', {});
    check('resource' in found, `user ${n} found`);
  });
  await run('filterUserName', async () => {
    const n = someone();
    const list = await service.list(ctx, {
      filter: `userName eq "${userBody(n, dir.tag).userName}"`,
      startIndex: 1,
      count: PAGE,
    });
    check(list.totalResults === 1, `userName of user ${n} matches once`);
  });
  await run('filterExternalId', async () => {
    const n = someone();
    const list = await service.list(ctx, {
      filter: `externalId eq "${userBody(n, dir.tag).externalId}"`,
      startIndex: 1,
      count: PAGE,
    });
    check(list.totalResults === 1, `externalId of user ${n} matches once`);
  });
  const pages = Math.ceil((dir.ids.length + created.length) / PAGE);
  await run('listPage', async (i) => {
    const list = await service.list(ctx, { startIndex: 1 + (i % pages) * PAGE, count: PAGE });
    check(list.itemsPerPage > 0, `page ${i % pages} is not empty`);
  });
  await run('replace', (i) => service.replace(ctx, created[i] ?? '', replaceBody(i, tag, i)));
  await run('patch', (i) => service.patch(ctx, created[i] ?? '', entraPatch(i)));
  await run('delete', (i) => service.delete(ctx, created[i] ?? ''));
  return runs;
}

/** A filter no index answers: the service reads every user, up to its scan bound. */
export async function scanFilter(
  bench: Bench,
  dir: SeededDirectory,
  iterations: number,
): Promise<OperationRun> {
  const ctx = contextFor(dir.directoryId);
  const samples = await sample(bench, iterations, async () => {
    const list = await bench.service.list(ctx, { filter: SCAN_FILTER, startIndex: 1, count: PAGE });
    check(list.totalResults === startingWithA(dir.ids.length), 'the users whose given name starts with A');
  });
  return { key: 'filterScan', users: dir.ids.length, samples };
}

/** Given names cycle through 20, two of which start with A (fixtures.ts). */
const startingWithA = (users: number) => Math.floor(users / 20) * 2 + Math.min(users % 20, 2);

export interface PagingRun {
  readonly users: number;
  /** The last page with no bookmark to start from (removed before every sample). */
  readonly lastPageCold: Sample[];
  /** The last page again, straight after a cold sample, as an IdP retrying a slow page asks it. */
  readonly lastPageRetry: Sample[];
  /** Every page of one sequential walk, as an IdP's import reads the directory. */
  readonly walk: Sample[];
  readonly walkSeconds: number;
  readonly lastStartIndex: number;
}

/**
 * The last page cold, then again, then a walk over every page. `forgetBookmark` removes the
 * bookmark of a page (outside the measurement), so that every cold sample really is cold.
 */
export async function paging(
  bench: Bench,
  dir: SeededDirectory,
  coldSamples: number,
  forgetBookmark: (startIndex: number) => Promise<void>,
): Promise<PagingRun> {
  const ctx = contextFor(dir.directoryId);
  const users = dir.ids.length;
  const lastStartIndex = Math.floor((users - 1) / PAGE) * PAGE + 1;
  const page = (startIndex: number) => async () => {
    const list = await bench.service.list(ctx, { startIndex, count: PAGE });
    check(list.totalResults === users && list.itemsPerPage > 0, `page at ${startIndex} is not empty`);
  };
  const lastPageCold: Sample[] = [];
  for (let i = 0; i < coldSamples; i++) {
    await forgetBookmark(lastStartIndex);
    lastPageCold.push(...(await sample(bench, 1, page(lastStartIndex))));
  }
  const lastPageRetry = await sample(bench, 1, page(lastStartIndex));
  const started = performance.now();
  const walk = await sample(bench, Math.ceil(users / PAGE), (i) => page(1 + i * PAGE)());
  const walkSeconds = (performance.now() - started) / 1000;
  return { users, lastPageCold, lastPageRetry, walk, walkSeconds, lastStartIndex };
}
