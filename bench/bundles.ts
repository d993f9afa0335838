/**
 * `npx tsx bench/bundles.ts` (part of `npm run bench`): for every Lambda entry, the size of the
 * bundle esbuild produces with the settings of cdk/lib/constructs/service-function.ts, and the
 * cold-start initialisation time: a fresh Node process importing the module (which builds its
 * clients at module scope, as in Lambda). "External" is the same code with node_modules left out
 * of the bundle and loaded from disk, as a zip with node_modules would run it.
 * Writes bench/results/bundles.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { groupSweeperFunction } from '../shared/contracts/group-deletion.ts';
import { scimFunctions } from '../shared/contracts/routes.ts';

const root = resolve(import.meta.dirname, '..');
const entries: Record<string, string> = {
  ...Object.fromEntries(Object.entries(scimFunctions).map(([name, fn]) => [name, fn.entry])),
  'event-relay': 'functions/event-relay.ts',
  'group-sweeper': groupSweeperFunction.entry,
};
const RUNS = Number(process.env.BENCH_INIT_RUNS ?? 15);
// What the functions read at module scope; no call is made during initialisation.
const env = {
  ...process.env,
  DIRECTORY_TABLE_NAME: 'bench',
  EVENT_BUS_NAME: 'bench',
  GROUP_DELETION_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

async function bundle(entry: string, outdir: string, external: boolean): Promise<string> {
  const outfile = join(outdir, 'index.mjs');
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    ...(external ? { packages: 'external' as const } : {}),
    logLevel: 'error',
  });
  return outfile;
}

/** Median milliseconds for a new Node process to import the module (process start excluded). */
function initMs(file: string, cwd: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const samples = Array.from({ length: RUNS }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd,
        env,
        encoding: 'utf8',
      }).trim(),
    ),
  ).sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

const rows: string[] = [];
for (const [name, entry] of Object.entries(entries)) {
  const bundledDir = mkdtempSync(join(tmpdir(), `bundle-${name}-`));
  // The external build lives inside the repository so that node_modules resolves from it.
  const externalDir = mkdtempSync(join(root, `.bench-${name}-`));
  try {
    const bundled = await bundle(entry, bundledDir, false);
    const external = await bundle(entry, externalDir, true);
    const kb = (file: string) => (statSync(file).size / 1024).toFixed(0);
    const bundledMs = initMs(bundled, bundledDir);
    const externalMs = initMs(external, externalDir);
    rows.push(
      `| ${name} | ${kb(bundled)} KB | ${bundledMs.toFixed(0)} ms | ${kb(external)} KB + node_modules | ${externalMs.toFixed(0)} ms | ${(externalMs / bundledMs).toFixed(1)}× |`,
    );
    console.log(rows.at(-1));
  } finally {
    rmSync(bundledDir, { recursive: true, force: true });
    rmSync(externalDir, { recursive: true, force: true });
  }
}

const report = `# Function bundles

\`npx tsx bench/bundles.ts\` on ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}.
esbuild settings as deployed (ESM, minified, target node22, AWS SDK bundled); source maps left out of the size.
Init is the median of ${RUNS} fresh Node processes importing the module, which builds its SDK clients at module scope as in
Lambda (process start itself excluded). Lambda's own figures differ (arm64, its file system); compare the ratio.

| function | bundle | init | node_modules external | init | external / bundled |
|---|--:|--:|--:|--:|--:|
${rows.join('\n')}
`;
writeFileSync(join(root, 'bench/results/bundles.md'), report);
console.log(
  `\nwrote bench/results/bundles.md (${readdirSync(join(root, 'bench/results')).length} result files)`,
);
