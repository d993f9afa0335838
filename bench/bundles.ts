/**
 * `npx tsx bench/bundles.ts` (part of `npm run bench`): for every Lambda entry the stack deploys,
 * the size of the bundle esbuild produces with the settings of cdk/lib/constructs/service-function.ts,
 * and the cold-start initialisation time: a fresh Node process importing the module (which builds
 * its clients at module scope, as in Lambda).
 * - "init" imports the bundle alone; "init, as deployed" runs with `--enable-source-maps` and the
 *   map beside the bundle, as the functions are configured (readable stack traces in the logs).
 * - "external" is the same code with node_modules left out of the bundle and loaded from disk, as
 *   a zip with node_modules would run it.
 * A last row measures a build that is not deployed: Users with Powertools Tracer added.
 * Writes bench/results/bundles.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { CONNECTOR_ENTRY } from '../cdk/lib/constructs/app-connector.ts';
import { ENV } from '../shared/contracts/env.ts';
import { evidenceFunction, evidenceRecorderFunction } from '../shared/contracts/evidence-routes.ts';
import { groupSweeperFunction } from '../shared/contracts/group-deletion.ts';
import { scimFunctions } from '../shared/contracts/routes.ts';

const root = resolve(import.meta.dirname, '..');
const deployed: Record<string, string> = {
  ...Object.fromEntries(Object.entries(scimFunctions).map(([name, fn]) => [name, fn.entry])),
  'event-relay': 'functions/event-relay.ts',
  'app-connector (every shipped connector)': CONNECTOR_ENTRY,
  'evidence-recorder': evidenceRecorderFunction.entry,
  'evidence-api': evidenceFunction.entry,
  'group-sweeper': groupSweeperFunction.entry,
};
const notDeployed: Record<string, string> = {
  'users + Powertools Tracer (not deployed)': 'bench/fixtures/users-with-tracer.ts',
};
const RUNS = Number(process.env.BENCH_INIT_RUNS ?? 25);
// What the functions read at module scope; no call is made during initialisation.
const env = {
  ...process.env,
  [ENV.tableName]: 'bench',
  [ENV.eventBusName]: 'bench',
  [ENV.connectorId]: 'github',
  [ENV.connectorSettings]: JSON.stringify({ organization: 'acme', login: 'userNameLocalPart' }),
  [ENV.connectorScope]: JSON.stringify('everyone'),
  [ENV.connectorSecretArn]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:bench',
  [ENV.connectorQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench',
  [ENV.connectorDeadLetterQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-dlq',
  [ENV.connectorMaxReceiveCount]: '10',
  [ENV.connectorPlans]: JSON.stringify([
    { id: 'github', application: 'GitHub', events: ['user.deactivated'], scope: 'everyone' },
  ]),
  [ENV.metricsNamespace]: 'ScimConnector/bench',
  GROUP_DELETION_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-group-deletion',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  // The Tracer would otherwise look for the X-Ray daemon's address.
  AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
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
    sourcemap: true,
    sourcesContent: false,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    ...(external ? { packages: 'external' as const } : {}),
    logLevel: 'error',
  });
  return outfile;
}

/** Milliseconds for a new Node process to import the module (process start excluded). */
function initOnce(file: string, cwd: string, nodeOptions: string[] = []): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  try {
    const printed = execFileSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], {
      cwd,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return Number(printed.trim().split('\n').at(-1));
  } catch (error) {
    // The minified line of a bundle is megabytes long: keep the message, not the line.
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    throw new Error(
      `${file} failed to initialise: ${stderr
        .split('\n')
        .filter((line) => line.length < 400)
        .join('\n')}`,
    );
  }
}

const median = (samples: number[]) =>
  [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? Number.NaN;

const kb = (file: string) => `${(statSync(file).size / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function measure(name: string, entry: string): Promise<string> {
  const bundledDir = mkdtempSync(join(tmpdir(), 'bundle-'));
  // The external build lives inside the repository so that node_modules resolves from it.
  const externalDir = mkdtempSync(join(root, '.bench-bundle-'));
  try {
    const bundled = await bundle(entry, bundledDir, false);
    const external = await bundle(entry, externalDir, true);
    // The three variants take turns, run after run, so that a slow spell of a shared machine
    // weighs on all of them alike rather than on whichever was measured then.
    const samples = { plain: [] as number[], withMaps: [] as number[], external: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      samples.plain.push(initOnce(bundled, bundledDir));
      samples.withMaps.push(initOnce(bundled, bundledDir, ['--enable-source-maps']));
      samples.external.push(initOnce(external, externalDir));
    }
    const plain = median(samples.plain);
    const withMaps = median(samples.withMaps);
    const externalInit = median(samples.external);
    return `| ${name} | ${kb(bundled)} | ${kb(`${bundled}.map`)} | ${ms(plain)} | ${ms(withMaps)} | ${kb(external)} + node_modules | ${ms(externalInit)} | ${(externalInit / plain).toFixed(1)}× |`;
  } finally {
    rmSync(bundledDir, { recursive: true, force: true });
    rmSync(externalDir, { recursive: true, force: true });
  }
}

const rows: string[] = [];
for (const [name, entry] of Object.entries({ ...deployed, ...notDeployed })) {
  rows.push(await measure(name, entry));
  console.log(rows.at(-1));
}

const report = `# Function bundles

\`npx tsx bench/bundles.ts\` on ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}.
esbuild settings as deployed (ESM, minified, target node22, AWS SDK bundled, source map without sources content).
Init is the median of ${RUNS} fresh Node processes importing the module (the variants of a row take turns), which builds its SDK clients at module scope as in
Lambda (process start itself excluded). "As deployed" adds \`--enable-source-maps\` with the map beside the bundle, as the
functions run. Lambda's own figures differ (arm64, its file system, its CPU share at the configured memory); compare the ratios.

| function | bundle | source map | init | init, as deployed | node_modules external | init | external / bundled |
|---|--:|--:|--:|--:|--:|--:|--:|
${rows.join('\n')}
`;
writeFileSync(join(root, 'bench/results/bundles.md'), report);
console.log('\nwrote bench/results/bundles.md');
