import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ScimWebAclProps {
  readonly api: RestApi;
  /** Requests one client IP may make in any 5-minute window before WAF answers 429. */
  readonly ratePerIpPer5Minutes: number;
}

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
 * @example
 * new ScimWebAcl(this, 'WebAcl', { api: scimApi.api, ratePerIpPer5Minutes: 30_000 });
 */
export class ScimWebAcl extends Construct {
  readonly webAcl: CfnWebACL;

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
            block: { customResponse: { responseCode: 429, customResponseBodyKey: 'scimThrottled' } },
          },
          visibilityConfig: visibility('RatePerClientIp'),
        },
      ],
    });

    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
