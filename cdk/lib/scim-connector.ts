import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ScimFunctionName } from '../../shared/contracts/routes.ts';
import { type AppConfigInput, parseConfig } from './config.ts';
import type { AppConnector } from './constructs/app-connector.ts';
import type { EventRelay } from './constructs/event-relay.ts';
import type { Evidence } from './constructs/evidence.ts';
import type { GroupSweeper } from './constructs/group-sweeper.ts';
import type { Operations } from './constructs/operations.ts';
import type { ScimApi } from './constructs/scim-api.ts';
import type { ServiceFunction } from './constructs/service-function.ts';
import { serviceOptionsOf } from './scim-app.ts';
import { addServiceResources } from './service-stack.ts';
import { addStatefulResources } from './stateful-stack.ts';

/**
 * The same keys as the ready-made app's CDK context (cdk/lib/config.ts), validated the same way.
 * `manageApiGatewayAccount` defaults to true here too: set it false when the account already
 * has the regional API Gateway logging role.
 */
export type ScimConnectorProps = AppConfigInput;

/**
 * The whole connector in one construct, for a team that embeds it in its own CDK app and stack:
 * directory and evidence tables, lifecycle bus with archive, relay failure queue, SCIM functions and API,
 * stream relay, alarms and dashboard, the group sweeper, the configured application connectors
 * and the evidence recorder and API. The ready-made app (`cdk/bin/app.ts`) builds the same
 * resources split over a stateful and a service stack.
 *
 * Add cdk-nag to your app to get the reviewed acknowledgements this construct carries:
 * `Validations.of(app).addPlugins(new AwsSolutionsChecks(app))`.
 *
 * @example
 * const stack = new Stack(app, 'Identity');
 * const scim = new ScimConnector(stack, 'Scim', { stage: 'prod', alarmEmail: 'oncall@example.com' });
 * new CfnOutput(stack, 'ScimBaseUrl', { value: scim.api.baseUrlTemplate });
 */
export class ScimConnector extends Construct {
  readonly table: ITable;
  /** The revocation ledger, apart from the directory. */
  readonly evidenceTable: ITable;
  readonly bus: IEventBus;
  readonly relayFailures: IQueue;
  readonly functions: Readonly<Record<ScimFunctionName, ServiceFunction>>;
  readonly api: ScimApi;
  readonly eventRelay: EventRelay;
  readonly operations: Operations;
  /** One per configured application (`connectors`), by ledger id. */
  readonly connectors: Readonly<Record<string, AppConnector>>;
  readonly evidence: Evidence;
  /** Finishes in the background the group deletes too large for a request. */
  readonly groupSweeper: GroupSweeper;

  constructor(scope: Construct, id: string, props: ScimConnectorProps = {}) {
    super(scope, id);
    const config = parseConfig(props, `ScimConnector props at ${this.node.path}`);
    const stateful = addStatefulResources(this, {
      manageApiGatewayAccount: config.manageApiGatewayAccount,
      tableEncryption: config.tableEncryption,
      directories: config.directories,
      logRetention: config.logRetentionDays,
    });
    this.table = stateful.table;
    this.evidenceTable = stateful.evidenceTable;
    this.bus = stateful.bus;
    this.relayFailures = stateful.relayFailures;
    const service = addServiceResources(this, {
      stage: config.stage,
      ...stateful,
      ...serviceOptionsOf(config),
    });
    this.functions = service.functions;
    this.api = service.api;
    this.eventRelay = service.eventRelay;
    this.operations = service.operations;
    this.connectors = service.connectors;
    this.evidence = service.evidence;
    this.groupSweeper = service.groupSweeper;
  }
}
