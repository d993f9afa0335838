import { marshall } from '@aws-sdk/util-dynamodb';
import { Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  type AwsSdkCall,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { keys } from '../../../shared/store/keys.ts';

export interface BootstrapDirectory {
  /** The directory id: the first path segment of its SCIM base URL. */
  readonly id: string;
  readonly displayName: string;
}

export interface DirectoryBootstrapProps {
  readonly table: ITable;
  readonly directories: readonly BootstrapDirectory[];
  readonly logRetention: RetentionDays;
}

/**
 * Creates the directory records listed in the configuration at deploy time, so a new stage is
 * ready for `npm run admin -- token mint <directory>` without a separate `directory create`.
 * The record is written with an UpdateItem that keeps `created` and everything else an operator
 * set later (OAuth settings): deploying again only applies a changed display name. Removing a
 * directory from the configuration leaves its data alone: deleting a directory and every user
 * in it is an operator's decision (`npm run admin -- directory delete`), not a side effect of a
 * config edit. Tokens are never created here: a secret in a CloudFormation template would be
 * readable by anyone who can read the stack.
 *
 * @example
 * new DirectoryBootstrap(this, 'Directories', { table, directories: [{ id: 'entra-main', displayName: 'Entra ID' }], logRetention });
 */
export class DirectoryBootstrap extends Construct {
  constructor(scope: Construct, id: string, props: DirectoryBootstrapProps) {
    super(scope, id);
    if (props.directories.length === 0) return;
    const { table } = props;
    // When the record was first written; a later deployment keeps the first value.
    const created = new Date().toISOString();
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });

    for (const directory of props.directories) {
      const key = keys.directory(directory.id);
      const write: AwsSdkCall = {
        service: 'DynamoDB',
        action: 'updateItem',
        parameters: {
          TableName: table.tableName,
          Key: marshall(key),
          UpdateExpression:
            'SET #type = :type, #id = :id, displayName = :name, created = if_not_exists(created, :created)',
          ExpressionAttributeNames: { '#type': 'type', '#id': 'id' },
          ExpressionAttributeValues: marshall({
            ':type': 'Directory',
            ':id': directory.id,
            ':name': directory.displayName,
            ':created': created,
          }),
        },
        physicalResourceId: PhysicalResourceId.of(`${key.pk}/${key.sk}`),
      };
      const resource = new AwsCustomResource(this, directory.id, {
        resourceType: 'Custom::ScimDirectory',
        onCreate: write,
        onUpdate: write,
        installLatestAwsSdk: false,
        logGroup,
        policy: AwsCustomResourcePolicy.fromStatements([
          new PolicyStatement({
            actions: ['dynamodb:UpdateItem'],
            resources: [table.tableArn],
            // Only the directory registry partition: this function can touch no user or token.
            conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [key.pk] } },
          }),
        ]),
      });
      // Exactly the key operations a DynamoDB write needs, without the wildcard variants.
      table.encryptionKey?.grant(resource, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    }

    const provider = Stack.of(this).node.tryFindChild(
      `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replaceAll('-', '')}`,
    );
    if (provider) {
      Validations.of(provider).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            'The CDK-provided function behind AwsCustomResource, run only during deployments to write the ' +
            'configured directory records; its role comes with the basic execution policy.',
        },
        {
          id: 'AwsSolutions-L1',
          reason:
            'The runtime of the CDK-provided AwsCustomResource function is chosen by aws-cdk-lib and moves with it.',
        },
      );
    }
  }
}
