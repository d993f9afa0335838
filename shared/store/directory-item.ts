import type { DirectoryRecord } from '../ports/directory-store.ts';
import { keys } from './keys.ts';

/** A directory record as a table item, in the registry partition (layout in ./table.ts). */
export interface DirectoryItem extends DirectoryRecord {
  readonly pk: string;
  readonly sk: string;
  readonly type: 'Directory';
}

/**
 * The item of a new directory. The admin CLI writes it at run time and the CDK app at deploy
 * time (directories listed in the stack configuration), so both write the same shape.
 *
 * @example
 * directoryItem('entra-main', 'Entra ID', '2026-11-23T10:00:00.000Z');
 * // { pk: 'DIRECTORIES', sk: 'DIR#entra-main', type: 'Directory', id: 'entra-main', displayName: 'Entra ID', created: '…' }
 */
export function directoryItem(id: string, displayName: string, created: string): DirectoryItem {
  return { ...keys.directory(id), type: 'Directory', id, displayName, created };
}
