import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localEvidenceTableName } from '../../local/create-table.ts';
import { localClientConfig } from '../../local/dynamodb-local.ts';
import { readRuntimeFile } from '../../local/runtime-file.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';

/** Which table the admin commands work on, and the URL the IdP reaches it by. */
export interface AdminTarget {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /**
   * The evidence table (revocation ledger); undefined for a deployed table named without
   * `--evidence-table`, where the evidence commands say what to pass.
   */
  readonly evidenceTableName?: string;
  /** The API's URL up to the stage (`https://…/prod`), or a template with `{directoryId}`; undefined when unknown. */
  readonly apiUrl?: string;
  /** Where it points, for the user: "DynamoDB Local at …" or "table … in your AWS account". */
  readonly description: string;
}

export interface TargetFlags {
  readonly table?: string;
  /** The deployed evidence table (the stack output EvidenceTableName). */
  readonly evidenceTable?: string;
  readonly endpoint?: string;
  readonly baseUrl?: string;
  /** Where `npm start` writes its runtime file (tests point it elsewhere). */
  readonly runtimeFile?: string;
}

/**
 * Resolves the target: `--endpoint` is DynamoDB Local; `--table` alone is a deployed table
 * reached with the standard AWS credential chain; no flag is the running `npm start`.
 *
 * @example
 * const target = await resolveTarget({ table: 'scim-prod-stateful-DirectoryTable…', baseUrl });
 */
export async function resolveTarget(flags: TargetFlags): Promise<AdminTarget> {
  if (flags.endpoint) {
    const tableName = flags.table ?? 'scim-directory';
    return {
      client: documentClient(localClientConfig(flags.endpoint)),
      tableName,
      evidenceTableName: flags.evidenceTable ?? localEvidenceTableName(tableName),
      ...(flags.baseUrl ? { apiUrl: flags.baseUrl } : {}),
      description: `table ${tableName} on DynamoDB Local at ${flags.endpoint}`,
    };
  }
  if (flags.table) {
    return {
      client: documentClient(),
      tableName: flags.table,
      ...(flags.evidenceTable ? { evidenceTableName: flags.evidenceTable } : {}),
      ...(flags.baseUrl ? { apiUrl: flags.baseUrl } : {}),
      description: `table ${flags.table} in your AWS account (${process.env.AWS_REGION ?? 'default region'})`,
    };
  }
  const local = await readRuntimeFile(flags.runtimeFile);
  if (!local)
    throw new AdminUsageError(
      'No target: start the local runtime with `npm start` (in another terminal), or pass --table <name> ' +
        '(a deployed table, with AWS credentials) or --endpoint <DynamoDB Local URL>.',
    );
  return {
    client: documentClient(localClientConfig(local.dynamoEndpoint)),
    tableName: local.tableName,
    evidenceTableName: local.evidenceTableName ?? localEvidenceTableName(local.tableName),
    apiUrl: flags.baseUrl ?? local.url,
    description: `the running npm start (DynamoDB Local at ${local.dynamoEndpoint})`,
  };
}

/** A mistake of the person at the keyboard: printed without a stack, exit code 2. */
export class AdminUsageError extends Error {
  override readonly name = 'AdminUsageError';
}

/** The command cannot do this (an unknown directory, a refusal): one line, exit code 1. */
export class CommandRefused extends Error {
  override readonly name = 'CommandRefused';
}

/** Nothing to show: printed, exit code 1. */
export class NotFound extends Error {
  override readonly name = 'NotFound';
}
