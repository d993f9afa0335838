/** The results as Markdown (bench/results/users.md) and as raw JSON (users.json). */
import type { Calibration } from './calibration.ts';
import type { BenchConfig } from './config.ts';
import type { Machine } from './machine.ts';
import { minimums } from './minimums.ts';
import type { OperationKey, OperationRun, PagingRun } from './scenarios.ts';
import { type Sample, type Summary, summarise, totals } from './stats.ts';

export interface BenchResults {
  readonly machine: Machine;
  readonly config: BenchConfig;
  readonly seconds: number;
  /** The size of one seeded user item, as DynamoDB bills it. */
  readonly userItemBytes: number;
  /** How long seeding each measured directory took. */
  readonly seeds: readonly { users: number; seconds: number }[];
  readonly operations: readonly OperationRun[];
  readonly paging: PagingRun;
  readonly calibration: readonly Calibration[];
}

const int = (n: number) => Math.round(n).toLocaleString('en');
/** Means of counts: whole numbers stay whole, others get one decimal. */
const num = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 1 });
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);

function calls(summary: Summary): string {
  const { mean, min, max } = summary.calls;
  const breakdown = Object.entries(summary.commands)
    .map(([command, count]) => (count === 1 ? command : `${command} ×${num(count)}`))
    .join(', ');
  return `${num(mean)}${min === max ? '' : ` (${min}–${max})`}: ${breakdown}`;
}

function operationsTable(results: BenchResults): string {
  const rows = results.operations.map((run) => {
    const s = summarise(run.samples);
    const m = minimums[run.key];
    return `| ${m.label} | ${int(run.users)} | ${s.n} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${calls(s)} | ${m.calls} | ${num(s.rcu)} | ${num(s.wcu)} | ${m.note} |`;
  });
  return [
    '| operation | users | n | p50 ms | p99 ms | DynamoDB calls (ours) | min calls | RCU | WCU | note |',
    '|---|---:|---:|---:|---:|---|---|---:|---:|---|',
    ...rows,
  ].join('\n');
}

function pagingSection(run: PagingRun): string {
  const [first, ...rest] = run.walk;
  const last = run.walk.at(-1);
  const row = (label: string, samples: readonly Sample[], note: string) => {
    const s = summarise(samples);
    return `| ${label} | ${s.n} | ${ms(s.p50Ms)} | ${calls(s)} | ${num(s.rcu)} | ${num(s.wcu)} | ${note} |`;
  };
  const lastLabel = `page ${run.walk.length} (startIndex ${int(run.lastStartIndex)})`;
  const walk = totals(run.walk);
  return [
    `## Paging at ${int(run.users)} users (count=100)`,
    '',
    '| page | n | p50 ms | DynamoDB calls | RCU | WCU | note |',
    '|---|---:|---:|---|---:|---:|---|',
    first ? row('page 1, sequential walk', [first], 'No position to look up: the walk starts here.') : '',
    last
      ? row(
          `${lastLabel}, sequential walk`,
          [last],
          'Starts from the bookmark the previous page left: one Query of 1 item (1 RCU) more than page 1.',
        )
      : '',
    row(
      `pages 2–${run.walk.length}, sequential walk`,
      rest,
      'Every page after the first costs the same, whatever its number.',
    ),
    row(
      `${lastLabel}, cold (no bookmark)`,
      run.lastPageCold,
      `Reads every key before the page: a Query over ${int(run.lastStartIndex - 1)} users, whose RCU count ` +
        'whole items (the projection to `sk` does not reduce them).',
    ),
    row(
      `${lastLabel} again, right after a cold jump`,
      run.lastPageRetry,
      'As an IdP retrying a page that timed out asks it.',
    ),
    '',
    `Whole import, a sequential walk of all ${int(walk.operations)} pages: **${int(walk.calls)} calls, ` +
      `${num(walk.rcu)} RCU, ${num(walk.wcu)} WCU, ${run.walkSeconds.toFixed(1)} s** wall time ` +
      `(${ms(walk.ms / walk.operations)} ms per page on average).`,
  ].join('\n');
}

/** What stands out, stated from the measured figures so that it stays true when they change. */
function findings(results: BenchResults): string[] {
  const of = (key: OperationKey) => {
    const run = results.operations.find((r) => r.key === key);
    return run ? summarise(run.samples) : undefined;
  };
  const out: string[] = [];
  const updates = [of('replace'), of('patch')].filter((s): s is Summary => s !== undefined);
  const [put] = updates;
  if (put && updates.every((s) => s.transactionActions === 1))
    out.push(
      'PUT and PATCH that leave userName, externalId and emails alone send a TransactWriteItems holding ' +
        `the user item alone: ${num(put.wcu)} WCU where a PutItem with the same version condition would ` +
        `cost ${num(put.wcu / 2)}, with the same atomicity (shared/adapters/dynamodb/user-store.ts, \`replace\`).`,
    );
  else if (put && updates.every((s) => s.commands.PutItem === 1 && !s.commands.TransactWriteItems))
    out.push(
      'PUT and PATCH that leave userName, externalId and emails alone are one conditional PutItem: ' +
        `${num(put.wcu)} WCU, half of what the same write costs as a one-item transaction.`,
    );

  const { lastPageCold, lastPageRetry, walk } = results.paging;
  const last = walk.at(-1);
  if (last && lastPageCold.length > 0 && lastPageRetry.length > 0) {
    const [cold, retry, warm] = [lastPageCold, lastPageRetry, [last]].map(summarise) as [
      Summary,
      Summary,
      Summary,
    ];
    const bookmarked = retry.calls.max < cold.calls.min;
    out.push(
      `The last page reached cold costs ${num(cold.calls.mean / warm.calls.mean)}× the calls and ` +
        `${num(cold.rcu / warm.rcu)}× the RCU of the same page reached by the walk. ` +
        (bookmarked
          ? `The jump bookmarks the page it reached, so a retry costs ${num(retry.calls.mean)} calls and ` +
            `${num(retry.rcu)} RCU, as a walked page does.`
          : 'A retry pays the skip again: the jump leaves no bookmark for the page it reached ' +
            '(shared/adapters/dynamodb/user-store.ts, `positionBefore`).'),
    );
  }
  // Pages after the first need the bookmark, the users and the next bookmark: 3 calls at least.
  const later = walk.length > 1 ? summarise(walk.slice(1)) : undefined;
  if (later && later.calls.min > 3) {
    const pages = totals(walk);
    out.push(
      `An import of ${int(results.paging.users)} users is ${int(pages.calls)} calls for ${int(pages.operations)} ` +
        `pages: ${num(later.calls.mean)} per page where 3 would do. The extra call is the counter Query for ` +
        'totalResults; it costs 1 RCU, so the price is round trips, not capacity ' +
        '(shared/adapters/dynamodb/user-store.ts, `page` calls `count`).',
    );
  }
  return out;
}

export function toMarkdown(results: BenchResults): string {
  const { machine: m, config: c } = results;
  const localVsPriced = results.operations
    .filter((run) => run.key === 'create' || run.key === 'delete')
    .map((run) => {
      const s = summarise(run.samples);
      return `${minimums[run.key].label}: Local reported ${num(s.localTransactionWcu)} WCU, the rules give ${num(s.wcu)}`;
    })
    .join('; ');
  const seeds = results.seeds
    .map((seed) => `${seed.seconds.toFixed(1)} s for ${int(seed.users)} users`)
    .join(', ');
  return `# Users service benchmark

\`npm run bench\` on ${m.cpu}, ${m.cores} cores, Node ${m.node}, DynamoDB Local ${m.dynamoDbLocal},
${m.date}. The whole run took ${(results.seconds / 60).toFixed(1)} minutes.

**Absolute latencies here are DynamoDB Local's on this machine, not AWS latencies**: Local is a Java
process on SQLite sharing ${m.cores} cores with the bench, with no network in between. Quote the ratios
between operations and the call and capacity counts, which are what the same code does on AWS.
Latencies of large directories are Local's above all: Local answers a \`begins_with\` key condition in
time proportional to the whole partition, where DynamoDB seeks. The same 8-item counter Query takes
${results.calibration.map((c) => `${ms(c.counterQueryMs)} ms at ${int(c.users)} users`).join(', ')}.

Directory of ${int(c.users)} users (Entra-shaped: ${int(results.userItemBytes)} bytes per user item), ${c.iterations} samples per
operation, one service call at a time; the non-indexed filter also on ${int(c.scanUsers)} users
(${c.scanIterations} samples); paging on ${int(c.pagingUsers)} users.

## Per operation

Calls and capacity units are means per operation; "min calls" is the fewest calls any single-table
design we know of could take (the note says why ours differs, or what ours pays for).

${operationsTable(results)}

${pagingSection(results.paging)}

## Findings

${findings(results)
  .map((finding) => `- ${finding}`)
  .join('\n')}

## How the figures were obtained

- **Calls and capacity**: an SDK middleware on the store's own DynamoDBDocumentClient (initialize
  step) adds \`ReturnConsumedCapacity: 'TOTAL'\` to every command and counts calls and units per
  service call. DynamoDB Local returns ConsumedCapacity for every command used, and for reads and
  single-item writes it follows DynamoDB's rules, with one gap the bench fills: Local reports 0 for a
  Query that finds nothing, where DynamoDB charges the minimum (1 RCU strongly consistent).
- **TransactWriteItems is priced by the bench from item sizes, not taken from Local**: Local rounds
  the size of the whole transaction, where DynamoDB rounds each item up to 1 KB and doubles it. The
  bench reads every item of the transaction before (and, for Updates, after) it runs, with a
  separate uncounted client, and applies 2 × ⌈max(before, after) / 1 KB⌉ per item; the time of
  those reads is subtracted from the latency. ${localVsPriced}. A check at start fails the run
  unless the size model gives Local's units for single-item PutItems of a user's items.
- **Seeding bypasses the service** for speed: the ${int(c.users)}, ${int(c.scanUsers)} and
  ${int(c.pagingUsers)}-user directories are written with BatchWriteItem, item for item as
  DynamoUserStore.create writes them (user via toUserItem, userName claim, index entries) with the
  counter shards set to the total. A check at start creates one user through the service, seeds the
  same user, and fails the run unless the two partitions are identical. Seeding took ${seeds}.
- **Latency**: \`performance.now()\` around one service call (coercion, filter evaluation and
  projection included), after ${c.warmupIterations} unrecorded warm-up samples of each operation.
`;
}

/** Every sample, column by column: latency and the counts that vary between samples. */
const rawSamples = (samples: readonly Sample[]) => ({
  ms: samples.map((s) => Number(s.ms.toFixed(3))),
  calls: samples.map((s) => s.tally.calls),
  rcu: samples.map((s) => s.tally.rcu),
  wcu: samples.map((s) => s.tally.wcu),
});

/** Everything, with every sample's latency and counts, for anyone who wants other statistics. */
export function toJson(results: BenchResults) {
  const { paging } = results;
  const { resultsDir: _where, ...sizes } = results.config;
  return {
    machine: results.machine,
    config: sizes,
    seconds: Math.round(results.seconds),
    userItemBytes: results.userItemBytes,
    seeds: results.seeds.map((seed) => ({ ...seed, seconds: Number(seed.seconds.toFixed(1)) })),
    operations: results.operations.map((run) => ({
      key: run.key,
      label: minimums[run.key].label,
      users: run.users,
      minimumCalls: minimums[run.key].calls,
      note: minimums[run.key].note,
      summary: summarise(run.samples),
      samples: rawSamples(run.samples),
    })),
    paging: {
      users: paging.users,
      lastStartIndex: paging.lastStartIndex,
      lastPageCold: { summary: summarise(paging.lastPageCold), samples: rawSamples(paging.lastPageCold) },
      lastPageRetry: { summary: summarise(paging.lastPageRetry), samples: rawSamples(paging.lastPageRetry) },
      walk: {
        wallSeconds: paging.walkSeconds,
        totals: totals(paging.walk),
        summary: summarise(paging.walk),
        pages: rawSamples(paging.walk),
      },
    },
    calibration: results.calibration,
    findings: findings(results),
  };
}
