import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../../shared/contracts/env.ts';
import { repoRoot } from '../paths.ts';

export interface ServiceFunctionProps {
  /** The composition root, relative to the repository root, e.g. `functions/scim-users.ts`. */
  readonly entry: string;
  readonly description: string;
  /** The Powertools service name: the `service` key of every log line. */
  readonly serviceName: string;
  readonly logRetention: RetentionDays;
  /** @default 1024 (more memory is more CPU: JSON, hashing and a bundled SDK start faster) */
  readonly memorySize?: number;
  /** @default 25 seconds, under API Gateway's 29-second integration timeout so the function, not the gateway, gives up first */
  readonly timeout?: Duration;
  /** Concurrency set aside for this function (and its ceiling). @default none: the account's unreserved pool */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * ESM bundles have no `require`; a few CommonJS dependencies (parts of the AWS SDK) still call
 * it, so the bundle defines one.
 */
const createRequireBanner =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * A Lambda function of this app: Node.js 22 on Graviton, bundled locally by esbuild into one
 * minified ESM file with source maps, its own log group with a retention, its own role that may
 * write only to that log group, and active tracing.
 *
 * @example
 * const users = new ServiceFunction(this, 'Users', {
 *   entry: 'functions/scim-users.ts', description: 'SCIM /Users', serviceName: 'scim-users',
 *   logRetention: RetentionDays.THREE_MONTHS,
 * });
 * bindTable({ table, fn: users.fn, access: 'readWrite' });
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    // Retained when the stack goes: logs may be needed in an investigation, and they expire anyway.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An explicit role instead of the default one, whose managed AWSLambdaBasicExecutionRole
    // policy may create and write every log group of the account.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    this.logGroup.grantWrite(role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: join(repoRoot, props.entry),
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(25),
      ...(props.reservedConcurrentExecutions
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      environment: {
        [ENV.serviceName]: props.serviceName,
        [ENV.logLevel]: 'INFO',
        // Stack traces in the logs point at the TypeScript sources, not the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: createRequireBanner,
        minify: true,
        sourceMap: true,
        // The map needs line mappings, not a second copy of every source file.
        sourcesContent: false,
        // Ship the SDK version the tests ran against (package-lock.json), not the runtime's.
        bundleAwsSDK: true,
      },
    });

    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: the functions are bundled for it (esbuild target node22) and ' +
        'tested against it; Node.js 24 is a deliberate upgrade with its own test run, not a side effect of a CDK release.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no ' +
        'resource-level permissions; the table and log-group grants of this role name their resources.',
    });
  }
}
