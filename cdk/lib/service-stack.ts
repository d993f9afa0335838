import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type ScimFunctionName, scimFunctions } from '../../shared/contracts/routes.ts';
import { bindTable, type TableAccess } from './constructs/bind-table.ts';
import { EventRelay } from './constructs/event-relay.ts';
import { ScimApi } from './constructs/scim-api.ts';
import { ServiceFunction } from './constructs/service-function.ts';

export interface ServiceStackProps extends StackProps {
  readonly stage: string;
  readonly table: ITable;
  readonly logRetention: RetentionDays;
  readonly bus: IEventBus;
  readonly relayFailures: IQueue;
}

/**
 * What each SCIM function may do with the directory table. A `Record` over every function name,
 * so a function added to `scimFunctions` does not compile until someone decides its access.
 */
const tableAccess: Readonly<Record<ScimFunctionName, TableAccess>> = {
  users: 'readWrite',
  // Discovery serves static documents, but authenticates and throttles the caller like every
  // endpoint: reads of the token or directory record, updates of last-used and the rate window.
  discovery: 'authenticate',
};

/** The stateless tier: the SCIM functions and the API in front of them. Safe to replace at will. */
export class ServiceStack extends Stack {
  readonly functions: Readonly<Record<ScimFunctionName, ServiceFunction>>;
  readonly api: ScimApi;
  readonly eventRelay: EventRelay;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { stage, table, logRetention } = props;

    this.functions = forEachScimFunction((name) => {
      const { entry, description } = scimFunctions[name];
      const fn = new ServiceFunction(this, name.charAt(0).toUpperCase() + name.slice(1), {
        entry,
        description,
        serviceName: `scim-${name}`,
        logRetention,
      });
      bindTable({ table, fn: fn.fn, access: tableAccess[name] });
      return fn;
    });

    this.api = new ScimApi(this, 'Scim', {
      stageName: stage,
      functions: forEachScimFunction((name) => this.functions[name].fn),
      logRetention,
    });

    this.eventRelay = new EventRelay(this, 'EventRelay', {
      table,
      bus: props.bus,
      onFailure: props.relayFailures,
      logRetention,
    });

    new CfnOutput(this, 'ScimBaseUrl', {
      value: this.api.baseUrlTemplate,
      description:
        "SCIM base URL (Tenant URL) to give the IdP, with {directoryId} replaced by the directory's id",
    });
  }
}

/** Builds one value per SCIM function, typed as the complete record it is. */
function forEachScimFunction<T>(build: (name: ScimFunctionName) => T): Record<ScimFunctionName, T> {
  const names = Object.keys(scimFunctions) as ScimFunctionName[];
  return Object.fromEntries(names.map((name) => [name, build(name)])) as Record<ScimFunctionName, T>;
}
