import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ApiGatewayAccount } from './constructs/api-gateway-account.ts';
import { type BootstrapDirectory, DirectoryBootstrap } from './constructs/directory-bootstrap.ts';
import { DirectoryTable, type TableKey } from './constructs/directory-table.ts';
import { EvidenceTable } from './constructs/evidence-table.ts';
import { LifecycleBus } from './constructs/lifecycle-bus.ts';

export interface StatefulResourcesProps {
  /** Declare the regional API Gateway logging role here (see {@link ApiGatewayAccount}). */
  readonly manageApiGatewayAccount: boolean;
  /** @default 'aws-managed' */
  readonly tableEncryption?: TableKey;
  /** Directory records to create at deploy time. @default none */
  readonly directories?: readonly BootstrapDirectory[];
  /** Retention of the bootstrap's deployment-time logs. */
  readonly logRetention: RetentionDays;
}

export interface StatefulResources {
  readonly table: ITable;
  /** The revocation ledger, apart from the directory (connectors may write here and only here). */
  readonly evidenceTable: ITable;
  /** The lifecycle event bus connectors subscribe to (with its archive). */
  readonly bus: IEventBus;
  /** The stream relay's on-failure destination. */
  readonly relayFailures: IQueue;
}

/**
 * Adds what outlives a deployment (table, bus and archive, relay failure queue, API Gateway
 * account) directly to `scope`, so {@link StatefulStack} and `ScimConnector` build the same
 * resources under the same construct ids.
 *
 * @example
 * const { table, evidenceTable, bus, relayFailures } = addStatefulResources(this, { manageApiGatewayAccount: true });
 */
export function addStatefulResources(scope: Construct, props: StatefulResourcesProps): StatefulResources {
  const directory = new DirectoryTable(scope, 'Directory', { encryption: props.tableEncryption });
  const { table } = directory;
  const { table: evidenceTable } = new EvidenceTable(scope, 'EvidenceTable', {
    encryption: props.tableEncryption,
    ...(directory.key ? { key: directory.key } : {}),
  });
  const { bus, relayFailures } = new LifecycleBus(scope, 'Lifecycle');
  if (props.manageApiGatewayAccount) new ApiGatewayAccount(scope, 'ApiGatewayAccount');
  new DirectoryBootstrap(scope, 'Directories', {
    table,
    directories: props.directories ?? [],
    logRetention: props.logRetention,
  });
  return { table, evidenceTable, bus, relayFailures };
}

export interface StatefulStackProps extends StackProps, StatefulResourcesProps {}

/**
 * What outlives a deployment: the directory and evidence tables, the event bus with its archive and the
 * relay's failure queue (and, later, the connector queues). Kept apart from the service stack so
 * that replacing functions or the API can never touch data.
 */
export class StatefulStack extends Stack implements StatefulResources {
  readonly table: ITable;
  readonly evidenceTable: ITable;
  readonly bus: IEventBus;
  readonly relayFailures: IQueue;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const built = addStatefulResources(this, props);
    this.table = built.table;
    this.evidenceTable = built.evidenceTable;
    this.bus = built.bus;
    this.relayFailures = built.relayFailures;
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
    new CfnOutput(this, 'EvidenceTableName', {
      value: this.evidenceTable.tableName,
      description:
        'The evidence table (revocation ledger); `npm run admin -- evidence… --evidence-table <this>` reads it',
    });
  }
}
