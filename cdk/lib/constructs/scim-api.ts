import { Names, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  type DomainName,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  SCIM_BASE,
  type ScimFunctionName,
  type ScimRoute,
  scimRoutes,
} from '../../../shared/contracts/routes.ts';
import { addScimGatewayResponses } from './scim-gateway-responses.ts';

export interface StageThrottling {
  /** Steady-state requests per second across the stage. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface CustomDomain {
  /** e.g. `scim.example.com`; its DNS record is left to the owner of the zone. */
  readonly domainName: string;
  /** An ACM certificate covering `domainName`, in the API's region. */
  readonly certificateArn: string;
}

export interface ScimApiProps {
  /** The stage name: the first path segment of every URL. */
  readonly stageName: string;
  /** The function that serves each `ScimRoute.function`. */
  readonly functions: Readonly<Record<ScimFunctionName, IFunction>>;
  /** @default scimRoutes, the list the local runtime serves too */
  readonly routes?: readonly ScimRoute[];
  /** Retention of the access and execution logs. */
  readonly logRetention: RetentionDays;
  /**
   * @default 100 requests/s, burst 200: well above what Entra ID or Okta push in a full
   * provisioning cycle, well below the account-wide limit this API shares with every other API
   * in the region, so one runaway client cannot starve them.
   */
  readonly throttling?: StageThrottling;
  /** Serve the stage at `https://{domainName}/` too (TLS 1.2 minimum). */
  readonly customDomain?: CustomDomain;
}

/** One JSON object per request: ids to correlate with function logs, never headers or bodies. */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: AccessLogField.contextRequestId(),
    extendedRequestId: AccessLogField.contextExtendedRequestId(),
    requestTime: AccessLogField.contextRequestTime(),
    sourceIp: AccessLogField.contextIdentitySourceIp(),
    userAgent: AccessLogField.contextIdentityUserAgent(),
    httpMethod: AccessLogField.contextHttpMethod(),
    resourcePath: AccessLogField.contextResourcePath(),
    status: AccessLogField.contextStatus(),
    responseLength: AccessLogField.contextResponseLength(),
    responseLatency: AccessLogField.contextResponseLatency(),
    integrationLatency: AccessLogField.contextIntegrationLatency(),
    integrationStatus: AccessLogField.contextIntegrationStatus(),
    errorType: AccessLogField.contextErrorResponseType(),
    xrayTraceId: AccessLogField.contextXrayTraceId(),
  }),
);

/**
 * The SCIM HTTP surface: an API Gateway REST API whose resources and methods are built from
 * `scimRoutes`, each a Lambda proxy integration to the function the route names.
 *
 * A REST API (v1) rather than an HTTP API (v2): v1 takes an AWS WAF web ACL, per-method
 * throttling and resource policies, which a public provisioning endpoint for a whole directory
 * will need.
 *
 * Every method requires an `Authorization` header, checked by API Gateway before any function
 * runs; the credential itself is verified by the functions' authentication middleware, which
 * also binds the directory id (docs/auth.md, and the acknowledgements below).
 *
 * @example
 * const { api, baseUrlTemplate } = new ScimApi(this, 'Scim', {
 *   stageName: 'dev', functions: { users, discovery }, logRetention: RetentionDays.THREE_MONTHS,
 * });
 */
export class ScimApi extends Construct {
  readonly api: RestApi;
  readonly accessLogs: LogGroup;
  /**
   * `https://{api}.execute-api.{region}.amazonaws.com/{stage}/{directoryId}/scim/v2`, or
   * `https://{domainName}/{directoryId}/scim/v2` with a custom domain.
   */
  readonly baseUrlTemplate: string;
  readonly domain?: DomainName;

  constructor(scope: Construct, id: string, props: ScimApiProps) {
    super(scope, id);
    const { stageName, functions, routes = scimRoutes, logRetention } = props;
    const throttling = props.throttling ?? { rateLimit: 100, burstLimit: 200 };

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new RestApi(this, 'Api', {
      // API Gateway's metrics are per API name: a name of its own keeps this API's alarms apart
      // from any other stage or app in the account.
      restApiName: Names.uniqueResourceName(this, { maxLength: 128 }),
      description: `SCIM 2.0 service provider (${SCIM_BASE})`,
      endpointTypes: [EndpointType.REGIONAL],
      // The account-wide logging role is declared once, by ApiGatewayAccount.
      cloudWatchRole: false,
      deployOptions: {
        stageName,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat,
        // Execution logs for errors only, and never request or response data: SCIM bodies
        // carry personal data and the Authorization header carries the directory's token.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        // Per-method metrics stay off: they are billed as custom metrics, several per method,
        // while the API-level ones are free and enough to alarm on.
        metricsEnabled: false,
        tracingEnabled: true,
        throttlingRateLimit: throttling.rateLimit,
        throttlingBurstLimit: throttling.burstLimit,
      },
    });
    this.retainExecutionLogs(stageName, logRetention);

    // Parameters: the Authorization header is required. Bodies: no method declares a model, so
    // none is checked here; the functions validate bodies against the SCIM schema and answer
    // with SCIM errors (API Gateway would answer a model mismatch with its own error format).
    const requestValidator = this.api.addRequestValidator('RequestValidator', {
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    for (const route of routes) {
      // resourceForPath creates each missing path part ({directoryId}, scim, v2, Users, {id}) once.
      const resource = this.api.root.resourceForPath(route.resource);
      // No test-invoke permission: the console's "Test" button needs no standing grant.
      const integration = new LambdaIntegration(functions[route.function], { allowTestInvoke: false });
      resource.addMethod(route.method, integration, {
        requestValidator,
        requestParameters: { 'method.request.header.Authorization': true },
      });
    }
    addScimGatewayResponses(this.api);
    if (props.customDomain) {
      const { domainName, certificateArn } = props.customDomain;
      // A regional domain (the certificate lives in the API's region) mapping the whole stage at
      // the root, so the base URL does not change with the stage name.
      this.domain = this.api.addDomainName('Domain', {
        domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', certificateArn),
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      this.baseUrlTemplate = `https://${domainName}${SCIM_BASE}`;
    } else {
      this.baseUrlTemplate = this.api.urlForPath(SCIM_BASE);
    }

    const authorizerReason =
      'Authentication runs in every function, before any route, as a middleware: static tokens are ' +
      'checked against their hashes in the directory table and OAuth JWTs with aws-jwt-verify, so a ' +
      'revoked token is refused from the next request (an authorizer cache would keep it valid for its TTL); ' +
      'see docs/auth.md.';
    Validations.of(this.api).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: authorizerReason },
      {
        id: 'AwsSolutions-COG4',
        reason: `${authorizerReason} A Cognito user pool authorizer does not fit either way: IdPs present a per-directory bearer token or their own OAuth JWT, not Cognito tokens.`,
      },
    );
  }

  /**
   * API Gateway writes execution logs to a group it creates on first use, kept forever. Declaring
   * that group first gives it the app's retention; the stage waits for it so that API Gateway
   * never creates it first.
   */
  private retainExecutionLogs(stageName: string, retention: RetentionDays): void {
    const executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${stageName}`,
      retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api.deploymentStage.node.addDependency(executionLogs);
  }
}
