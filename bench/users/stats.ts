import type { Tally } from './meter.ts';

export interface Sample {
  readonly ms: number;
  readonly tally: Tally;
}

export interface Summary {
  readonly n: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Mean DynamoDB calls per operation, with the fewest and most seen. */
  readonly calls: { readonly mean: number; readonly min: number; readonly max: number };
  /** Mean calls per operation, per DynamoDB API. */
  readonly commands: Record<string, number>;
  readonly rcu: number;
  readonly wcu: number;
  /** Mean WCU DynamoDB Local reported for the transactions alone (replaced by priced units in `wcu`). */
  readonly localTransactionWcu: number;
  readonly transactionActions: number;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

export function summarise(samples: readonly Sample[]): Summary {
  const n = samples.length;
  const mean = (f: (t: Tally) => number) => samples.reduce((sum, s) => sum + f(s.tally), 0) / n;
  const calls = samples.map((s) => s.tally.calls);
  const commands: Record<string, number> = {};
  for (const { tally } of samples)
    for (const [command, count] of Object.entries(tally.commands))
      commands[command] = (commands[command] ?? 0) + count;
  for (const command of Object.keys(commands)) commands[command] = (commands[command] ?? 0) / n;
  return {
    n,
    p50Ms: percentile(
      samples.map((s) => s.ms),
      50,
    ),
    p99Ms: percentile(
      samples.map((s) => s.ms),
      99,
    ),
    calls: { mean: mean((t) => t.calls), min: Math.min(...calls), max: Math.max(...calls) },
    commands,
    rcu: mean((t) => t.rcu),
    wcu: mean((t) => t.wcu),
    localTransactionWcu: mean((t) => t.localTransactionWcu),
    transactionActions: mean((t) => t.transactionActions),
  };
}

/** Sums of a run of operations (e.g. every page of an import). */
export function totals(samples: readonly Sample[]) {
  const sum = (f: (s: Sample) => number) => samples.reduce((total, s) => total + f(s), 0);
  return {
    operations: samples.length,
    calls: sum((s) => s.tally.calls),
    rcu: sum((s) => s.tally.rcu),
    wcu: sum((s) => s.tally.wcu),
    ms: sum((s) => s.ms),
  };
}
