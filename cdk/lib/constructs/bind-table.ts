import { Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { ENV } from '../../../shared/contracts/env.ts';
import { authenticationWrites } from '../../../shared/store/keys.ts';
import { directoryTable } from '../../../shared/store/table.ts';

/**
 * What a function may do with a table:
 * - `readWrite`: items, queries and transactions (`grantReadWriteData`);
 * - `read`: reads and queries only (`grantReadData`);
 * - `authenticate`: what authentication needs and nothing more: GetItem (token, directory
 *   record) and UpdateItem of a token's `lastUsedAt` in a directory partition and of `requests`
 *   and `expiresAt` in a rate-window partition (`authenticationWrites` in shared/store/keys.ts),
 *   by `dynamodb:LeadingKeys` and `dynamodb:Attributes` conditions: it cannot remove `revokedAt`
 *   or move a token's `expiresAt`, so it cannot un-revoke or extend a token;
 * - `ledger`: what the revocation ledger needs of the evidence table: GetItem and Query to read,
 *   PutItem to write (every ledger write is a conditional put). No UpdateItem, DeleteItem, Scan or
 *   transactions. Bind it to the evidence table only: on the directory table PutItem would let a
 *   connector write any item (a token, a user).
 * - `directoryRead`: what a connector's scope check needs of the directory table: GetItem,
 *   BatchGetItem and Query (a user's groups and their names). No write of any kind, no Scan.
 * - `groupSweep`: what finishing a group's delete needs: GetItem (the group), Query and
 *   BatchWriteItem (its memberships, deleted in batches), DeleteItem, PutItem and UpdateItem (the
 *   group, its claim and index entry, its tombstone, the counters). No Scan, no batch reads, no
 *   ConditionCheckItem: it never reads a user.
 */
export type TableAccess = 'readWrite' | 'read' | 'authenticate' | 'ledger' | 'directoryRead' | 'groupSweep';

export interface BindTableOptions {
  readonly table: ITable;
  readonly fn: LambdaFunction;
  readonly access: TableAccess;
  /** @default ENV.tableName, the name the functions read with `requireEnv` */
  readonly envVarName?: string;
}

/**
 * Grants a function access to a table and tells it the table's name, in one call, so that a
 * function can never know a table it may not use, nor be allowed a table it does not know.
 *
 * @example
 * bindTable({ table, fn: users.fn, access: 'readWrite' });
 */
export function bindTable({ table, fn, access, envVarName = ENV.tableName }: BindTableOptions): void {
  fn.addEnvironment(envVarName, table.tableName);
  switch (access) {
    case 'readWrite':
      table.grantReadWriteData(fn);
      if (table.encryptionKey && fn.role)
        for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*'])
          Validations.of(fn.role).acknowledge({
            id: `AwsSolutions-IAM5[Action::${action}]`,
            reason:
              "CDK's table write grant on a customer-managed key; the statement names that one key, so the " +
              'wildcard only spans variants of the same operation (data keys with or without plaintext, re-encryption).',
          });
      return;
    case 'read':
      table.grantReadData(fn);
      return;
    case 'ledger':
      table.grant(fn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem');
      if (table.encryptionKey)
        table.encryptionKey.grant(fn, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
      return;
    case 'directoryRead':
      table.grant(fn, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query');
      // What CDK's own read grant asks of a customer-managed key.
      if (table.encryptionKey) table.encryptionKey.grant(fn, 'kms:Decrypt', 'kms:DescribeKey');
      return;
    case 'groupSweep':
      table.grant(
        fn,
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
      );
      if (table.encryptionKey)
        table.encryptionKey.grant(fn, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
      return;
    case 'authenticate':
      table.grant(fn, 'dynamodb:GetItem');
      for (const write of [authenticationWrites.tokenLastUse, authenticationWrites.rateWindow])
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['dynamodb:UpdateItem'],
            resources: [table.tableArn],
            conditions: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${write.partitionPrefix}*`] },
              // The key attributes are named in the request; UpdateItem cannot change them.
              'ForAllValues:StringEquals': {
                'dynamodb:Attributes': [
                  directoryTable.partitionKey.name,
                  directoryTable.sortKey.name,
                  ...write.attributes,
                ],
              },
              StringEqualsIfExists: { 'dynamodb:ReturnValues': [...write.returnValues] },
            },
          }),
        );
      // `grant` leaves the table's key alone (the data grants above include it).
      if (table.encryptionKey)
        table.encryptionKey.grant(fn, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
      return;
  }
}
