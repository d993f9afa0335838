import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ScimWebAclProps {
  readonly api: RestApi;
  /** Requests one client IP may make in any 5-minute window before WAF answers 429. */
  readonly ratePerIpPer5Minutes: number;
  /** How long WAF's log of blocked requests is kept. */
  readonly logRetention: RetentionDays;
}

/**
 * What a client WAF rate-limits is told to wait. WAF counts each address over a sliding 5-minute
 * window and lifts the block once the address falls under the limit; a minute lets an IdP's
 * retry land after the count has had time to fall, without parking provisioning for five.
 */
export const WAF_RETRY_AFTER_SECONDS = 60;

/** The body WAF answers a rate-limited client with: an RFC 7644 error, so the IdP logs a SCIM 429. */
const throttledBody = JSON.stringify({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status: '429',
  detail: 'Too many requests from this address; retry after a short wait.',
});

/**
 * An AWS WAF web ACL in front of the SCIM API. Its rules are chosen for a machine-to-machine
 * provisioning API whose bodies are identity data:
 * - Amazon's IP reputation list (known malicious sources) and known bad inputs (Log4Shell-style
 *   payloads, exploit paths) block outright;
 * - a rate-based rule per client IP answers 429 with a SCIM error body, well above what an IdP
 *   sends (Entra ID's gallery minimum is 25 requests/s per tenant) and well below a flood;
 * - the Core rule set is NOT used: its body-size (8 KB) and cross-site-scripting rules reject
 *   legitimate SCIM traffic (a membership PATCH of 100 members, a Bulk request, a display name
 *   with "<"), and an IdP that receives WAF's plain 403 marks the user as failed.
 *
 * What WAF blocks (or counts) is logged to a CloudWatch Logs group of its own (WAF requires the
 * `aws-waf-logs-` prefix), encrypted with a KMS key of this app and kept for the configured
 * retention, with the Authorization header redacted: a bearer token never reaches a log.
 *
 * @example
 * new ScimWebAcl(this, 'WebAcl', { api: scimApi.api, ratePerIpPer5Minutes: 30_000, logRetention });
 */
export class ScimWebAcl extends Construct {
  readonly webAcl: CfnWebACL;
  /** What WAF blocked, and why (rule, client IP, URI), without the Authorization header. */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ScimWebAclProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const managed = (name: string, priority: number): CfnWebACL.RuleProperty => ({
      name,
      priority,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      overrideAction: { none: {} },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'SCIM API: IP reputation, known bad inputs, per-IP rate limit',
      visibilityConfig: visibility('ScimWebAcl'),
      customResponseBodies: {
        scimThrottled: { contentType: 'APPLICATION_JSON', content: throttledBody },
      },
      rules: [
        managed('AWSManagedRulesAmazonIpReputationList', 0),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
        {
          name: 'RatePerClientIp',
          priority: 2,
          statement: {
            rateBasedStatement: {
              limit: props.ratePerIpPer5Minutes,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'scimThrottled',
                responseHeaders: [{ name: 'Retry-After', value: String(WAF_RETRY_AFTER_SECONDS) }],
              },
            },
          },
          visibilityConfig: visibility('RatePerClientIp'),
        },
      ],
    });

    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    this.logGroup = this.addLogging(props.logRetention);
  }

  private addLogging(retention: RetentionDays): LogGroup {
    const stack = Stack.of(this);
    const logGroupName = `aws-waf-logs-${Names.uniqueResourceName(this, { maxLength: 400, separator: '-' })}`;
    const key = new Key(this, 'LogKey', {
      description: `Encrypts ${logGroupName}`,
      enableKeyRotation: true,
      // The retained log group cannot be read without it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts with the key on the log group's behalf, for this log group only.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnEquals: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: logGroupName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName,
      retention,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF takes the log group's ARN without the ":*" that `logGroupArn` ends with.
      logDestinationConfigs: [
        stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
      // Allowed requests are in the API's access log already; WAF's log is for what it stopped.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
    return logGroup;
  }
}
