import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { type AppConfig, loadConfig } from '../../cdk/lib/config.ts';
import { repoRoot } from '../../cdk/lib/paths.ts';
import { buildScimApp, type ScimStacks } from '../../cdk/lib/scim-app.ts';

export interface TestApp extends ScimStacks {
  readonly app: App;
  readonly config: AppConfig;
}

export interface TestAppOptions {
  /** Extra CDK context, as `-c key=value` would give it. */
  readonly context?: Readonly<Record<string, unknown>>;
  /**
   * CDK's built-in CloudFormation rules: most of a synth's time (about 7 s here), so only the
   * file that checks the validation report turns them on.
   * @default false
   */
  readonly cloudFormationValidation?: boolean;
}

/**
 * The app exactly as `cdk synth` builds it: the feature flags of cdk.json, the same
 * `buildScimApp` with its cdk-nag checks. Only bundling is skipped (`aws:cdk:bundling-stacks`
 * empty), which keeps synthesis offline and fast; the function code is then the project root
 * rather than the esbuild output, which no assertion here looks at.
 */
export function buildTestApp(options: TestAppOptions = {}): TestApp {
  const cdkJson: unknown = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8'));
  const flags = isRecord(cdkJson) && isRecord(cdkJson.context) ? cdkJson.context : {};
  const app = new App({
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    context: { ...flags, ...options.context, 'aws:cdk:bundling-stacks': [] },
  });
  const config = loadConfig(app);
  return { app, config, ...buildScimApp(app, config) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Two applications as an operator configures them: GitHub for everyone, a manual task for one group. */
export const CONNECTORS_CONTEXT = [
  { id: 'github', settings: { organization: 'acme', login: 'userNameLocalPart' } },
  {
    id: 'manual',
    name: 'legacy-erp',
    scope: { groups: ['Finance'] },
    settings: { application: 'Legacy ERP', instructions: 'Disable {{userName}} in the ERP.' },
  },
];
