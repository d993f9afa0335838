import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ApiGatewayAccount } from './constructs/api-gateway-account.ts';
import { DirectoryTable } from './constructs/directory-table.ts';
import { LifecycleBus } from './constructs/lifecycle-bus.ts';

export interface StatefulStackProps extends StackProps {
  /** Declare the regional API Gateway logging role here (see {@link ApiGatewayAccount}). */
  readonly manageApiGatewayAccount: boolean;
}

/**
 * What outlives a deployment: the directory table (and, later, the event bus, its archive and
 * the connector queues). Kept apart from the service stack so that replacing functions or the
 * API can never touch data.
 */
export class StatefulStack extends Stack {
  readonly table: ITable;
  /** The lifecycle event bus connectors subscribe to (with its archive). */
  readonly bus: IEventBus;
  /** The stream relay's on-failure destination. */
  readonly relayFailures: IQueue;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.table = new DirectoryTable(this, 'Directory').table;
    const lifecycle = new LifecycleBus(this, 'Lifecycle');
    this.bus = lifecycle.bus;
    this.relayFailures = lifecycle.relayFailures;
    new CfnOutput(this, 'EventBusName', {
      value: this.bus.eventBusName,
      description:
        'The lifecycle event bus; connectors add rules on it (patterns in shared/events/patterns.ts)',
    });
    new CfnOutput(this, 'DirectoryTableName', {
      value: this.table.tableName,
      description:
        'The directory table; `npm run admin -- <command> --table <this>` manages its directories and tokens',
    });
    if (props.manageApiGatewayAccount) new ApiGatewayAccount(this, 'ApiGatewayAccount');
  }
}
