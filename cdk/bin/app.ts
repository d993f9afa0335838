/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy --all`. Configuration comes from the CDK
 * context (`-c stage=prod -c logRetentionDays=365`); see cdk/lib/config.ts for the defaults.
 */
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../lib/config.ts';
import { buildScimApp } from '../lib/scim-app.ts';

const app = new App();
buildScimApp(app, loadConfig(app));
