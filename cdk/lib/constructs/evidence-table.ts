import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { evidenceTable } from '../../../shared/store/table.ts';
import { protectedTable, type TableKey } from './directory-table.ts';

export interface EvidenceTableProps {
  /** @default 'aws-managed', as the directory table */
  readonly encryption?: TableKey;
  /** For `customer-managed`: the directory table's key (one key for the deployment's data). */
  readonly key?: IKey;
}

/**
 * The evidence table: the revocation ledger, from the one definition in `shared/store/table.ts`
 * that the local runtime also builds. A table of its own so that the functions writing evidence
 * (connectors, the evidence recorder) hold no write permission on the directory table at all.
 * It is the audit record of every leaver, so it is protected as the directory is: PITR, deletion
 * protection, RETAIN.
 *
 * @example
 * const { table } = new EvidenceTable(this, 'Evidence', { encryption: 'aws-managed' });
 */
export class EvidenceTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: EvidenceTableProps = {}) {
    super(scope, id);
    this.table = protectedTable(this, 'Table', evidenceTable, props.encryption ?? 'aws-managed', props.key);
  }
}
