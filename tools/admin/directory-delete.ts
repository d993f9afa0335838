/**
 * `npm run admin -- directory delete <id> --yes [--force]`: the directory refuses every
 * credential from the first write on, its users are deleted one by one (each one a `user.deleted`
 * event, so every connector deprovisions them), everything else is swept until nothing is left,
 * and the report says what was removed (docs/auth.md#deleting-a-directory).
 */
import { userInfo } from 'node:os';
import {
  DELETION_SETTLE_MS,
  DirectoryDeletion,
  type DirectoryDeletionReport,
} from '../../shared/adapters/dynamodb/directory-deletion.ts';
import { DynamoDirectoryStore } from '../../shared/adapters/dynamodb/directory-store.ts';
import { type AdminTarget, AdminUsageError, CommandRefused } from './target.ts';

export interface DirectoryDeleteRequest {
  readonly target: AdminTarget;
  readonly directoryId: string;
  readonly yes: boolean;
  /** Delete a directory that still has users (each gets `user.deleted`). */
  readonly force: boolean;
  /** How long to keep sweeping after the mark; tests shorten it. */
  readonly settleSeconds?: string;
  readonly print: (line: string) => void;
}

/**
 * Runs the deletion; resolves to the exit code. Refuses (exit 1) while the directory has users,
 * unless `force`: a directory delete is then a mass deprovisioning, which deserves a second word.
 * A deletion already under way (a crash, Ctrl-C) is resumed without asking again.
 *
 * @example
 * process.exitCode = await deleteDirectory({ target, directoryId: 'test', yes: true, force: false, print });
 */
const PROGRESS_EVERY_MS = 3_000;

export async function deleteDirectory(request: DirectoryDeleteRequest): Promise<number> {
  const { target, directoryId: id, print } = request;
  if (!request.yes)
    throw new AdminUsageError(
      `Deleting ${id} removes its tokens, users and groups (its revocation evidence is kept): add --yes.`,
    );
  const settleMs = settle(request.settleSeconds);
  const deletion = new DirectoryDeletion(target.client, target.tableName);
  const directory = await new DynamoDirectoryStore(target.client, target.tableName).get(id);
  if (directory && !directory.deletingSince && !request.force && (await deletion.hasUsers(id)))
    throw new CommandRefused(
      `Directory ${id} still has users: deleting it sends user.deleted for each, so every connected application deprovisions them. Add --force to do that, or remove the users in the IdP first.`,
    );
  let lastProgress = Date.now();
  const report = await deletion.delete(id, {
    actor: { kind: 'admin', id: userInfo().username, label: 'npm run admin -- directory delete' },
    settleMs,
    onMarked: () =>
      print(
        directory?.deletingSince
          ? `Resuming the deletion of ${id} (it has refused every credential since ${directory.deletingSince}).`
          : `Directory ${id} refuses every credential from now on. Sweeping until nothing is left (at least ${settleMs / 1000} s: a request accepted just before may still write until then).`,
      ),
    // A line every few seconds, so that the wait for late writers is not silent.
    onSweep: (progress) => {
      if (Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = Date.now();
      print(
        `  sweep ${progress.rounds}: ${progress.usersDeleted} users and ${progress.itemsRemoved} other items removed so far` +
          (progress.settleRemainingMs > 0
            ? `; watching for late writes ${Math.ceil(progress.settleRemainingMs / 1000)} s more`
            : ''),
      );
    },
  });
  if (!report) throw new CommandRefused(`No directory "${id}" in ${target.description}.`);
  for (const line of reportLines(id, report)) print(line);
  return 0;
}

function settle(seconds: string | undefined): number {
  if (seconds === undefined) return DELETION_SETTLE_MS;
  const value = Number(seconds);
  if (!(value >= 0)) throw new AdminUsageError('--settle-seconds must be a number ≥ 0.');
  return value * 1000;
}

function reportLines(id: string, report: DirectoryDeletionReport): string[] {
  const rows = Object.entries(report.removed).sort(([a], [b]) => a.localeCompare(b));
  const total = rows.reduce((sum, [, count]) => sum + count, 0);
  return [
    `Deleted directory ${id} (${report.rounds} sweeps; the last found nothing):`,
    `  ${String(report.usersDeleted).padStart(7)}  users deleted, each with a user.deleted event (connectors deprovision them)`,
    ...rows.map(([kind, count]) => `  ${String(count).padStart(7)}  ${kind}`),
    `  ${String(total).padStart(7)}  other items in all`,
  ];
}
