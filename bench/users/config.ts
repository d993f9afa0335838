/**
 * Sizes of a run, from the environment, so that a quick run is one line:
 * `BENCH_ITERATIONS=30 BENCH_SCAN_USERS=2000 BENCH_PAGING_USERS=5000 BENCH_RESULTS_DIR=/tmp npm run bench`
 */
export interface BenchConfig {
  /** Users in the directory the single-user operations run on. */
  readonly users: number;
  /** Samples per single-user operation, and of the non-indexed filter on `users`. */
  readonly iterations: number;
  /** Users in the larger directory of the non-indexed filter. */
  readonly scanUsers: number;
  /** Samples of the non-indexed filter on `scanUsers` (each reads the whole directory). */
  readonly scanIterations: number;
  /** Users in the paging directory; 50,000 makes page 500 the last. */
  readonly pagingUsers: number;
  /** Samples of the last page reached cold: each reads every key before it, ~45 s on DynamoDB Local at 50,000. */
  readonly coldSamples: number;
  /** Unrecorded operations first, so the JVM's and Node's JIT are warm when recording starts. */
  readonly warmupIterations: number;
  readonly resultsDir: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const int = (name: string, fallback: number, min = 1) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min)
      throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
    return value;
  };
  return {
    users: int('BENCH_USERS', 1_000),
    iterations: int('BENCH_ITERATIONS', 300),
    scanUsers: int('BENCH_SCAN_USERS', 10_000),
    scanIterations: int('BENCH_SCAN_ITERATIONS', 15),
    pagingUsers: int('BENCH_PAGING_USERS', 50_000, 101),
    coldSamples: int('BENCH_COLD_SAMPLES', 2),
    warmupIterations: int('BENCH_WARMUP_ITERATIONS', 30),
    resultsDir: env.BENCH_RESULTS_DIR || new URL('../results', import.meta.url).pathname,
  };
}
