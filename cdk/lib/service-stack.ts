import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { connectorManifests } from '../../functions/connectors/manifests.ts';
import {
  connectorKey,
  findConnector,
  planOf,
  type RegisteredManifest,
} from '../../shared/connectors/manifest.ts';
import { type ScimFunctionName, scimFunctions } from '../../shared/contracts/routes.ts';
import type { ConnectorConfig } from './config.ts';
import { AlarmTarget } from './constructs/alarm-target.ts';
import { AppConnector } from './constructs/app-connector.ts';
import { bindTable, type TableAccess } from './constructs/bind-table.ts';
import { EventRelay } from './constructs/event-relay.ts';
import { Evidence } from './constructs/evidence.ts';
import { GroupSweeper } from './constructs/group-sweeper.ts';
import { Operations } from './constructs/operations.ts';
import { type CustomDomain, ScimApi, type StageThrottling } from './constructs/scim-api.ts';
import { ScimWebAcl } from './constructs/scim-web-acl.ts';
import { ServiceFunction } from './constructs/service-function.ts';

export interface ServiceResourcesProps {
  readonly stage: string;
  readonly table: ITable;
  /** The revocation ledger: the only table connectors and the evidence recorder may write. */
  readonly evidenceTable: ITable;
  readonly logRetention: RetentionDays;
  readonly bus: IEventBus;
  readonly relayFailures: IQueue;
  /** @default ScimApi's default */
  readonly throttling?: StageThrottling;
  readonly customDomain?: CustomDomain;
  /** A WAF web ACL in front of the API; undefined leaves it out (and says so to cdk-nag). */
  readonly webAcl?: { readonly ratePerIpPer5Minutes: number };
  /** Alarms notify a new topic with this address subscribed... */
  readonly alarmEmail?: string;
  /** ...or this existing topic; neither leaves them on the dashboard. */
  readonly alarmTopicArn?: string;
  /** The applications to deprovision (validated by the stack configuration). @default none */
  readonly connectors?: readonly ConnectorConfig[];
  /** Concurrency reserved for each connector function (0: none). @default CONNECTOR_RESERVED_CONCURRENCY */
  readonly connectorReservedConcurrency?: number;
  /** Concurrency reserved for the stream relay (0: none). @default relaySettings.reservedConcurrency */
  readonly relayReservedConcurrency?: number;
  /** Where connector ids are looked up. @default the shipped connectors */
  readonly registry?: readonly RegisteredManifest[];
}

export interface ServiceResources {
  readonly functions: Readonly<Record<ScimFunctionName, ServiceFunction>>;
  readonly api: ScimApi;
  readonly eventRelay: EventRelay;
  readonly operations: Operations;
  /** One per configured application, by connector id. */
  readonly connectors: Readonly<Record<string, AppConnector>>;
  readonly evidence: Evidence;
  /** Finishes in the background the group deletes too large for a request. */
  readonly groupSweeper: GroupSweeper;
}

/**
 * What each SCIM function may do with the directory table. A `Record` over every function name,
 * so a function added to `scimFunctions` does not compile until someone decides its access.
 */
const tableAccess: Readonly<Record<ScimFunctionName, TableAccess>> = {
  users: 'readWrite',
  groups: 'readWrite',
  // A Bulk operation is a /Users or /Groups write through the same services.
  bulk: 'readWrite',
  // Discovery serves static documents, but authenticates and throttles the caller like every
  // endpoint: reads of the token or directory record, updates of last-used and the rate window.
  discovery: 'authenticate',
};

/**
 * Functions that need more than ServiceFunction's defaults. Bulk parses up to 1 MiB of JSON and
 * runs up to 1,000 operations, 8 at a time: 1,769 MB is one full vCPU for the JSON and schema work,
 * and 28 s is just under API Gateway's 29-second integration timeout. The function stops starting
 * operations 4 s before its own timeout and answers with what it did (docs/bulk.md).
 */
const sizing: Partial<Record<ScimFunctionName, { memorySize: number; timeout: Duration }>> = {
  bulk: { memorySize: 1769, timeout: Duration.seconds(28) },
};

/** The SCIM functions that delete groups, and so may hand a large one to the group sweeper. */
const groupDeleters: readonly ScimFunctionName[] = ['groups', 'bulk'];

const capitalise = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * Adds the stateless tier (SCIM functions, API, stream relay, alarms and dashboard) directly to
 * `scope`, so {@link ServiceStack} and `ScimConnector` build the same resources under the same ids.
 *
 * @example
 * const { api } = addServiceResources(this, { stage, table, evidenceTable, bus, relayFailures, logRetention });
 */
export function addServiceResources(scope: Construct, props: ServiceResourcesProps): ServiceResources {
  const { stage, table, logRetention } = props;

  const functions = forEachScimFunction((name) => {
    const { entry, description } = scimFunctions[name];
    const fn = new ServiceFunction(scope, capitalise(name), {
      entry,
      description,
      serviceName: `scim-${name}`,
      logRetention,
      ...sizing[name],
    });
    bindTable({ table, fn: fn.fn, access: tableAccess[name] });
    return fn;
  });

  const { action } = new AlarmTarget(scope, 'AlarmTarget', {
    email: props.alarmEmail,
    topicArn: props.alarmTopicArn,
  });
  const groupSweeper = new GroupSweeper(scope, 'GroupSweeper', { table, logRetention, alarmAction: action });
  for (const name of groupDeleters) groupSweeper.allowHandOff(functions[name].fn);

  const api = new ScimApi(scope, 'Scim', {
    stageName: stage,
    functions: forEachScimFunction((name) => functions[name].fn),
    logRetention,
    throttling: props.throttling,
    customDomain: props.customDomain,
  });

  if (props.webAcl) {
    new ScimWebAcl(scope, 'WebAcl', { api: api.api, ...props.webAcl, logRetention });
  } else {
    Validations.of(api.api).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        "The WAF web ACL is turned off in the configuration (webAcl: false), by the deployer's decision " +
        'that another layer protects the API; the stage throttling still bounds request rates.',
    });
  }

  const eventRelay = new EventRelay(scope, 'EventRelay', {
    table,
    bus: props.bus,
    onFailure: props.relayFailures,
    logRetention,
    ...(props.relayReservedConcurrency !== undefined
      ? { reservedConcurrency: props.relayReservedConcurrency }
      : {}),
  });

  const metricsNamespace = `ScimConnector/${stage}`;
  const registry = props.registry ?? connectorManifests;
  const connectors: Record<string, AppConnector> = {};
  for (const entry of props.connectors ?? []) {
    const connector = findConnector(registry, entry.id);
    const key = connectorKey(entry.id, entry.name);
    connectors[key] = new AppConnector(scope, `Connector-${key}`, {
      connector,
      ...(entry.name ? { name: entry.name } : {}),
      scope: entry.scope,
      settings: entry.settings,
      bus: props.bus,
      table,
      evidenceTable: props.evidenceTable,
      logRetention,
      metricsNamespace,
      alarmAction: action,
      ...(props.connectorReservedConcurrency !== undefined
        ? { reservedConcurrency: props.connectorReservedConcurrency }
        : {}),
    });
  }
  const evidence = new Evidence(scope, 'Evidence', {
    bus: props.bus,
    table,
    evidenceTable: props.evidenceTable,
    api: api.api,
    plans: (props.connectors ?? []).map((entry) => planOf(findConnector(registry, entry.id), entry)),
    logRetention,
    alarmAction: action,
  });
  const operations = new Operations(scope, 'Operations', {
    namespace: metricsNamespace,
    api: api.api,
    accessLogs: api.accessLogs,
    functions: {
      ...Object.fromEntries(Object.entries(functions).map(([name, fn]) => [capitalise(name), fn.fn])),
      Relay: eventRelay.fn.fn,
      GroupSweeper: groupSweeper.fn.fn,
      EvidenceRecorder: evidence.recorder.fn.fn,
      EvidenceApi: evidence.api.fn,
      ...Object.fromEntries(
        Object.entries(connectors).map(([key, connector]) => [`Connector-${key}`, connector.consumer.fn.fn]),
      ),
    },
    relay: eventRelay.fn.fn,
    relayLogs: eventRelay.fn.logGroup,
    relayFailures: props.relayFailures,
    connectors: Object.values(connectors),
    evidenceRecorder: evidence.recorder,
    groupSweeper,
    alarmAction: action,
  });
  return { functions, api, eventRelay, operations, connectors, evidence, groupSweeper };
}

export interface ServiceStackProps extends StackProps, ServiceResourcesProps {}

/** The stateless tier: the SCIM functions and the API in front of them. Safe to replace at will. */
export class ServiceStack extends Stack implements ServiceResources {
  readonly functions: Readonly<Record<ScimFunctionName, ServiceFunction>>;
  readonly api: ScimApi;
  readonly eventRelay: EventRelay;
  readonly operations: Operations;
  readonly connectors: Readonly<Record<string, AppConnector>>;
  readonly evidence: Evidence;
  readonly groupSweeper: GroupSweeper;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const built = addServiceResources(this, props);
    this.functions = built.functions;
    this.api = built.api;
    this.eventRelay = built.eventRelay;
    this.operations = built.operations;
    this.connectors = built.connectors;
    this.evidence = built.evidence;
    this.groupSweeper = built.groupSweeper;

    new CfnOutput(this, 'ScimBaseUrl', {
      value: this.api.baseUrlTemplate,
      description:
        "SCIM base URL (Tenant URL) to give the IdP, with {directoryId} replaced by the directory's id",
    });
    if (this.api.domain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: this.api.domain.domainNameAliasDomainName,
        description: `Point a CNAME (or Route 53 alias) for ${props.customDomain?.domainName} at this name`,
      });
    }
  }
}

/** Builds one value per SCIM function, typed as the complete record it is. */
function forEachScimFunction<T>(build: (name: ScimFunctionName) => T): Record<ScimFunctionName, T> {
  const names = Object.keys(scimFunctions) as ScimFunctionName[];
  return Object.fromEntries(names.map((name) => [name, build(name)])) as Record<ScimFunctionName, T>;
}
