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
