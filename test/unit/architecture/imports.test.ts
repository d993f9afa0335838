/**
 * Tests import product code, never the reverse: nothing that ships or runs for an operator
 * (the Lambda code, the CDK app, the local runtime behind `npm start`, the operator tools) may
 * import from test/, so that refactoring a test can never break a shipped command.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const TEST_DIR = join(ROOT, 'test');
const PRODUCT_FOLDERS = ['local', 'tools', 'functions', 'shared', 'cdk'] as const;
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/**
 * Every module specifier in a source text: `import … from '…'`, `export … from '…'`,
 * `import '…'`, `import('…')` and `new URL('…', import.meta.url)`. For a template literal, the
 * part before its first `${`, which is enough to tell which folder it points into.
 */
function specifiersOf(source: string): string[] {
  const patterns = [
    /\bfrom\s*(['"`])([^'"`]+?)\1/g,
    /\bimport\s*(['"`])([^'"`]+?)\1/g,
    /\bimport\s*\(\s*(['"`])([^'"`]+?)\1/g,
    /\bnew\s+URL\s*\(\s*(['"`])([^'"`]+?)\1\s*,\s*import\.meta\.url/g,
  ];
  return patterns.flatMap((pattern) =>
    [...source.matchAll(pattern)].map((match) => (match[2] ?? '').split('${')[0] ?? ''),
  );
}

/** Whether a specifier written in `file` points into test/. */
function pointsIntoTests(file: string, specifier: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = resolve(dirname(file), specifier);
  return target === TEST_DIR || target.startsWith(TEST_DIR + sep);
}

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('product code never imports from test/', () => {
  it('finds imports into test/ in every form a module can be loaded', () => {
    const file = join(ROOT, 'local', 'start.ts');
    const offending = [
      "import { startVendorFakes } from '../test/fakes/index.ts';",
      "export { seedUsers } from '../test/support/seed-users.ts';",
      "import '../test/support/setup.ts';",
      "const fakes = await import('../test/fakes/index.ts');",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
      'const fake = await import(new URL(`../test/fakes/${id}.ts`, import.meta.url).href);',
    ];
    for (const line of offending)
      expect(
        specifiersOf(line).some((specifier) => pointsIntoTests(file, specifier)),
        line,
      ).toBe(true);
    const allowed = [
      "import { startVendorFakes } from './fakes/index.ts';",
      "import { keys } from '../shared/store/keys.ts';",
      "import { z } from 'zod';",
      "import { scimError } from '#scim/errors.ts';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
      'const fake = await import(new URL(`./fakes/${id}.ts`, import.meta.url).href);',
    ];
    for (const line of allowed)
      expect(
        specifiersOf(line).some((specifier) => pointsIntoTests(file, specifier)),
        line,
      ).toBe(false);
  });

  it.each(PRODUCT_FOLDERS)('%s/ imports nothing from test/', async (folder) => {
    const files = await sourceFiles(join(ROOT, folder));
    expect(files.length, `no source files found under ${folder}/`).toBeGreaterThan(0);
    const offending: string[] = [];
    for (const file of files) {
      const source = await readFile(file, 'utf8');
      for (const specifier of specifiersOf(source))
        if (pointsIntoTests(file, specifier)) offending.push(`${relative(ROOT, file)}: ${specifier}`);
    }
    expect(offending, 'move what ships out of test/ (docs/architecture.md says where it belongs)').toEqual(
      [],
    );
  });
});

/** The package.json `imports` aliases (`#scim/*` → `./shared/scim/*`), to resolve `#…` specifiers. */
const ALIASES: ReadonlyArray<readonly [string, string]> = Object.entries(
  (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { imports?: Record<string, string> })
    .imports ?? {},
).map(([alias, target]) => [alias.replace(/\*$/, ''), target.replace(/\*$/, '')] as const);

/**
 * Where a specifier written in `file` points: a path relative to the repository for a relative or
 * `#…` specifier, the specifier itself for a package (`zod`, `node:fs`, `@aws-sdk/client-sqs`).
 */
function targetOf(file: string, specifier: string): string {
  for (const [alias, target] of ALIASES)
    if (specifier.startsWith(alias))
      return relative(ROOT, resolve(ROOT, target + specifier.slice(alias.length)));
  if (specifier.startsWith('.')) return relative(ROOT, resolve(dirname(file), specifier));
  return specifier;
}

/** Posix form of a repository-relative path, so that the rules read the same on every OS. */
const posix = (path: string): string => path.split(sep).join('/');

/**
 * Modules that import nothing from shared/ (beyond each other) and so may be imported from any
 * layer, the ports included: the JSON shape of a SCIM resource and the lifecycle event contract.
 */
const LEAF_MODULES = ['shared/scim/resource.ts', 'shared/events/catalogue.ts', 'shared/events/envelope.ts'];

/** Packages and node: modules that do I/O or tie code to Lambda or AWS. */
const PLATFORM_OR_IO = [
  /^@aws-sdk\//,
  /^@aws-lambda-powertools\//,
  /^aws-jwt-verify(\/|$)/,
  /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|dgram|tls)$/,
];

interface ImportRule {
  readonly name: string;
  /** The files the rule applies to (repository-relative, posix). */
  readonly appliesTo: (path: string) => boolean;
  /** Why an import (its target, repository-relative or a package name) breaks the rule, or undefined. */
  readonly breach: (target: string, from: string) => string | undefined;
  /** A file and a line the rule must reject, so that it cannot pass by matching nothing. */
  readonly sample: { readonly file: string; readonly line: string };
}

const RULES: readonly ImportRule[] = [
  {
    name: 'shared/ports imports nothing from shared/ but other ports and the leaf modules',
    appliesTo: (path) => path.startsWith('shared/ports/'),
    breach: (target) =>
      target.startsWith('shared/') && !target.startsWith('shared/ports/') && !LEAF_MODULES.includes(target)
        ? 'a port imports nothing above it: move the type into shared/ports or a leaf module'
        : undefined,
    sample: { file: 'shared/ports/user-store.ts', line: "import type { ListQuery } from '../scim/list.ts';" },
  },
  {
    name: 'the leaf modules import nothing from shared/ but each other',
    appliesTo: (path) => LEAF_MODULES.includes(path),
    breach: (target) =>
      target.startsWith('shared/') && !LEAF_MODULES.includes(target)
        ? 'a leaf module imports only packages and other leaf modules'
        : undefined,
    sample: { file: 'shared/events/catalogue.ts', line: "import { keys } from '../store/keys.ts';" },
  },
  {
    name: 'the SCIM core imports no AWS SDK, Powertools, aws-jwt-verify or node: I/O',
    appliesTo: (path) => path.startsWith('shared/scim/'),
    breach: (target) =>
      PLATFORM_OR_IO.some((pattern) => pattern.test(target))
        ? 'the SCIM core knows nothing of Lambda, AWS or I/O: take it through a port'
        : undefined,
    sample: { file: 'shared/scim/list.ts', line: "import { readFile } from 'node:fs/promises';" },
  },
];

async function importsOf(file: string): Promise<string[]> {
  return specifiersOf(await readFile(file, 'utf8')).map((specifier) => posix(targetOf(file, specifier)));
}

describe('dependencies point one way', () => {
  it.each(RULES)('$name: rejects a sample import', (rule) => {
    const file = join(ROOT, rule.sample.file);
    expect(rule.appliesTo(rule.sample.file)).toBe(true);
    const breaches = specifiersOf(rule.sample.line).map((specifier) =>
      rule.breach(posix(targetOf(file, specifier)), rule.sample.file),
    );
    expect(
      breaches.some((reason) => reason !== undefined),
      rule.sample.line,
    ).toBe(true);
  });

  it.each(RULES)('$name', async (rule) => {
    const files = (await Promise.all(PRODUCT_FOLDERS.map((folder) => sourceFiles(join(ROOT, folder)))))
      .flat()
      .filter((file) => rule.appliesTo(posix(relative(ROOT, file))));
    expect(files.length, `no source files found for: ${rule.name}`).toBeGreaterThan(0);
    const offending: string[] = [];
    for (const file of files) {
      const from = posix(relative(ROOT, file));
      for (const target of await importsOf(file)) {
        const reason = rule.breach(target, from);
        if (reason !== undefined) offending.push(`${from} → ${target}: ${reason}`);
      }
    }
    expect(offending).toEqual([]);
  });
});

/** The import cycles of a module graph (each as the chain of modules that closes it). */
function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const chain: string[] = [];
  const cycles: string[] = [];
  const visit = (module: string): void => {
    state.set(module, 'open');
    chain.push(module);
    for (const next of graph.get(module) ?? []) {
      if (state.get(next) === 'open') cycles.push([...chain.slice(chain.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    chain.pop();
    state.set(module, 'done');
  };
  for (const module of graph.keys()) if (!state.has(module)) visit(module);
  return cycles;
}

describe('shared/ has no import cycles', () => {
  it('finds a cycle, type-only imports included', () => {
    const graph = new Map([
      ['shared/scim/users/user-service.ts', ['shared/scim/users/user-groups.ts']],
      ['shared/scim/users/user-groups.ts', ['shared/scim/users/user-service.ts']],
    ]);
    expect(cyclesOf(graph)).toHaveLength(1);
    expect(cyclesOf(new Map([['a.ts', ['b.ts']]]))).toEqual([]);
  });

  it('no module of shared/ reaches itself through its imports', async () => {
    const files = await sourceFiles(join(ROOT, 'shared'));
    expect(files.length).toBeGreaterThan(0);
    const graph = new Map<string, string[]>();
    for (const file of files)
      graph.set(
        posix(relative(ROOT, file)),
        (await importsOf(file)).filter((target) => target.startsWith('shared/')),
      );
    expect(cyclesOf(graph)).toEqual([]);
  });
});

/** Whether a specifier written in functions/ reaches shared/ by a relative path instead of an alias. */
function relativeIntoShared(file: string, specifier: string): boolean {
  return specifier.startsWith('.') && posix(targetOf(file, specifier)).startsWith('shared/');
}

describe('the composition roots import shared/ through the package.json aliases', () => {
  it('tells a relative path into shared/ from an alias', () => {
    const file = join(ROOT, 'functions', 'connectors', 'registry.ts');
    expect(relativeIntoShared(file, '../../shared/connectors/registry.ts')).toBe(true);
    expect(relativeIntoShared(file, '#connectors/registry.ts')).toBe(false);
    expect(relativeIntoShared(file, './github/connector.ts')).toBe(false);
  });

  it('functions/ reaches shared/ only by `#…` aliases', async () => {
    const files = await sourceFiles(join(ROOT, 'functions'));
    expect(files.length).toBeGreaterThan(0);
    const offending: string[] = [];
    for (const file of files)
      for (const specifier of specifiersOf(await readFile(file, 'utf8')))
        if (relativeIntoShared(file, specifier))
          offending.push(`${posix(relative(ROOT, file))}: ${specifier}`);
    expect(offending).toEqual([]);
  });

  it('every alias package.json declares is used', async () => {
    expect(ALIASES.length).toBeGreaterThan(0);
    const sources = await Promise.all(
      (await sourceFiles(join(ROOT, 'functions'))).map((file) => readFile(file, 'utf8')),
    );
    const used = new Set(sources.flatMap((source) => specifiersOf(source)));
    const unused = ALIASES.map(([alias]) => alias).filter(
      (alias) => ![...used].some((specifier) => specifier.startsWith(alias)),
    );
    expect(unused, 'use the alias in functions/ or drop it from package.json').toEqual([]);
  });
});

/**
 * What synth must never load: the vendor HTTP client, a connector's handlers or the registry of
 * them, a Lambda composition root, or the connector runtime. The CDK app knows connectors by
 * their manifests (functions/connectors/manifests.ts and each connector's manifest.ts).
 */
function runtimeForTheCdk(target: string): string | undefined {
  if (target === 'ky' || target.startsWith('ky/')) return 'the vendor HTTP client';
  if (target.startsWith('functions/')) {
    const manifest = /^functions\/connectors\/(manifests\.ts|[a-z0-9-]+\/(manifest|instructions)\.ts)$/;
    return manifest.test(target) ? undefined : 'Lambda code: import the connector manifests instead';
  }
  const runtime =
    /^shared\/connectors\/(runtime|queue-handler|vendor-http|vendor-auth|prepare|registry|outcomes)\.ts$/;
  return runtime.test(target) ? 'the connector runtime' : undefined;
}

/** Every module `entry` loads, itself included, following relative and `#…` imports (type-only ones too). */
async function closureOf(entries: readonly string[]): Promise<Map<string, string>> {
  const reachedFrom = new Map<string, string>(entries.map((entry) => [entry, entry]));
  const queue = [...entries];
  for (let module = queue.shift(); module !== undefined; module = queue.shift()) {
    if (!/\.(ts|mts|js|mjs)$/.test(module) || module.startsWith('node_modules/')) continue;
    for (const target of await importsOf(join(ROOT, module)))
      if (!reachedFrom.has(target)) {
        reachedFrom.set(target, module);
        if (
          target.includes('/') &&
          !target.startsWith('@') &&
          (target.startsWith('shared/') || target.startsWith('functions/') || target.startsWith('cdk/'))
        )
          queue.push(target);
      }
  }
  return reachedFrom;
}

describe('the CDK app loads no connector runtime at synth', () => {
  it('tells the runtime from the manifests', () => {
    expect(runtimeForTheCdk('functions/connectors/registry.ts')).toBeDefined();
    expect(runtimeForTheCdk('functions/connectors/github/connector.ts')).toBeDefined();
    expect(runtimeForTheCdk('functions/app-connector.ts')).toBeDefined();
    expect(runtimeForTheCdk('shared/connectors/vendor-http.ts')).toBeDefined();
    expect(runtimeForTheCdk('ky')).toBeDefined();
    expect(runtimeForTheCdk('functions/connectors/manifests.ts')).toBeUndefined();
    expect(runtimeForTheCdk('functions/connectors/github/manifest.ts')).toBeUndefined();
    expect(runtimeForTheCdk('shared/connectors/manifest.ts')).toBeUndefined();
  });

  it('follows imports through shared/ to what they load', async () => {
    const reached = await closureOf(['shared/connectors/prepare.ts']);
    expect(reached.has('ky')).toBe(true);
  });

  it('nothing cdk/ loads, directly or through shared/, is connector runtime', async () => {
    const files = (await sourceFiles(join(ROOT, 'cdk'))).map((file) => posix(relative(ROOT, file)));
    expect(files.length).toBeGreaterThan(0);
    const reached = await closureOf(files);
    expect(
      reached.has('functions/connectors/manifests.ts'),
      'the CDK app validates connectors by manifest',
    ).toBe(true);
    const offending = [...reached].flatMap(([target, from]) => {
      const reason = runtimeForTheCdk(target);
      return reason === undefined ? [] : [`${from} → ${target}: ${reason}`];
    });
    expect(offending).toEqual([]);
  });
});
