import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { ENV } from '../../../shared/contracts/env.ts';

/**
 * What a function may do with a table:
 * - `readWrite`: items, queries and transactions (`grantReadWriteData`);
 * - `read`: reads and queries only (`grantReadData`);
 * - `authenticate`: what authentication needs and nothing more: GetItem (token, directory
 *   record) and UpdateItem (a token's last-used time, the directory's rate window).
 */
export type TableAccess = 'readWrite' | 'read' | 'authenticate';

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
      return;
    case 'read':
      table.grantReadData(fn);
      return;
    case 'authenticate':
      table.grant(fn, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
      return;
  }
}
