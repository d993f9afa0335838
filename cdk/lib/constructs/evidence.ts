import { Validations } from 'aws-cdk-lib';
import { AuthorizationType, LambdaIntegration, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../../shared/contracts/env.ts';
import {
  evidenceFunction,
  evidenceRecorderFunction,
  evidenceRoutes,
} from '../../../shared/contracts/evidence-routes.ts';
import { patternOfTypes } from '../../../shared/events/patterns.ts';
import type { ConnectorPlan } from '../../../shared/evidence/evidence-recorder.ts';
import { RECORDED_EVENT_TYPES } from '../../../shared/evidence/evidence-recorder.ts';
import { bindTable } from './bind-table.ts';
import { QueuedFunction } from './queued-function.ts';
import { ServiceFunction } from './service-function.ts';

export interface EvidenceProps {
  readonly bus: IEventBus;
  /** The directory table: the recorder reads a leaver's groups there, and writes nothing. */
  readonly table: ITable;
  /** The revocation ledger. */
  readonly evidenceTable: ITable;
  readonly api: RestApi;
  /** The enabled connectors: what the recorder expects of each leaver. */
  readonly plans: readonly ConnectorPlan[];
  readonly logRetention: RetentionDays;
  readonly alarmAction?: IAlarmAction;
}

/**
 * The evidence side of deprovisioning:
 * - the recorder, fed by leaver and returner events through its own queue and DLQ (alarmed),
 *   writes each leaver and the applications expected to act (every enabled connector whose scope
 *   includes the user), so an application that never reports shows as pending;
 * - the evidence API on the SCIM REST API, under AWS_IAM authorisation, read-only on the
 *   evidence table and with no access to the directory table.
 *
 * @example
 * new Evidence(this, 'Evidence', { bus, table, evidenceTable, api: scimApi.api, plans, logRetention });
 */
export class Evidence extends Construct {
  readonly recorder: QueuedFunction;
  readonly api: ServiceFunction;

  constructor(scope: Construct, id: string, props: EvidenceProps) {
    super(scope, id);
    this.recorder = new QueuedFunction(this, 'Recorder', {
      bus: props.bus,
      pattern: patternOfTypes(RECORDED_EVENT_TYPES),
      entry: evidenceRecorderFunction.entry,
      description: evidenceRecorderFunction.description,
      serviceName: 'evidence-recorder',
      logRetention: props.logRetention,
      maxReceiveCount: 10,
      deadLetterAlarmDescription:
        'A leaver event could not be recorded: the evidence may miss that leaver and the applications ' +
        'expected to act for them. Read the DLQ, fix, then redrive it.',
      alarmAction: props.alarmAction,
    });
    this.recorder.fn.fn.addEnvironment(ENV.connectorPlans, JSON.stringify(props.plans));
    bindTable({ table: props.table, fn: this.recorder.fn.fn, access: 'directoryRead' });
    bindTable({
      table: props.evidenceTable,
      fn: this.recorder.fn.fn,
      access: 'ledger',
      envVarName: ENV.evidenceTableName,
    });

    this.api = new ServiceFunction(this, 'Api', {
      entry: evidenceFunction.entry,
      description: evidenceFunction.description,
      serviceName: 'evidence-api',
      logRetention: props.logRetention,
    });
    bindTable({
      table: props.evidenceTable,
      fn: this.api.fn,
      access: 'read',
      envVarName: ENV.evidenceTableName,
    });
    const integration = new LambdaIntegration(this.api.fn, { allowTestInvoke: false });
    for (const route of evidenceRoutes) {
      const method = props.api.root
        .resourceForPath(route.resource)
        .addMethod(route.method, integration, { authorizationType: AuthorizationType.IAM });
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          'The evidence API is for operators and auditors with AWS credentials: AWS_IAM authorisation ' +
          '(SigV4, execute-api:Invoke granted by IAM policy) is the access control, not a Cognito user pool.',
      });
    }
  }
}
