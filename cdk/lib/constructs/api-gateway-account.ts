import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The regional API Gateway account setting: the role API Gateway uses to write execution and
 * access logs to CloudWatch Logs. There is one such setting per account and region, shared by
 * every REST API in it, so it is declared here once, apart from any API, rather than by
 * `RestApi({ cloudWatchRole: true })` (deleting that API would delete the role under every other
 * API in the region). Both resources are retained for the same reason.
 *
 * @example
 * new ApiGatewayAccount(this, 'ApiGatewayAccount');
 */
export class ApiGatewayAccount extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new Role(this, 'CloudWatchRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description:
        'API Gateway account setting: writes REST API execution and access logs to CloudWatch Logs',
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'AWS-maintained service policy for the regional API Gateway account setting: it must cover the ' +
        'execution-log groups API Gateway creates for every REST API in the region, so it cannot be ' +
        'scoped to the log groups of this app.',
    });

    const account = new CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
