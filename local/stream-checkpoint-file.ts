/**
 * The stream checkpoint of `npm start` on disk, beside its data: how far the table's stream has
 * been relayed AND handled by every consumer (see local/stream-poller.ts). A restart resumes
 * right after it, so that no change whose events were still queued in memory is skipped.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StreamCheckpoint } from './stream-poller.ts';

export const STREAM_CHECKPOINT_FILE = '.local/stream-checkpoint.json';

/**
 * The checkpoint in `file`, or undefined when there is none (or it is unreadable: the stream is
 * then read as if there were none, which the caller decides).
 *
 * @example
 * const checkpoint = await readStreamCheckpoint('.local/stream-checkpoint.json');
 */
export async function readStreamCheckpoint(file: string): Promise<StreamCheckpoint | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<StreamCheckpoint>;
    if (typeof parsed.streamArn !== 'string' || typeof parsed.shards !== 'object' || parsed.shards === null)
      return undefined;
    const shards = Object.fromEntries(
      Object.entries(parsed.shards).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
    return { streamArn: parsed.streamArn, shards };
  } catch {
    return undefined;
  }
}

/**
 * Writes the checkpoint to `file` atomically (a temporary file renamed over it), so that a crash
 * mid-write leaves the previous checkpoint, never half of one.
 *
 * @example
 * await writeStreamCheckpoint('.local/stream-checkpoint.json', { streamArn, shards: { [shardId]: sequence } });
 */
export async function writeStreamCheckpoint(file: string, checkpoint: StreamCheckpoint): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(checkpoint, null, 2)}\n`);
  await rename(partial, file);
}
