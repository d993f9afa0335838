import type { GroupDeletionQueue, GroupDeletionRequest } from '../../ports/group-deletion-queue.ts';

/**
 * The hand-off of group deletes when the sweeper runs in the same process as the SCIM functions:
 * the local runtime behind `npm start` and the end-to-end tests. The functions are built once per
 * process (at module scope, as in Lambda), so the local runtime connects its sweeper queue to
 * them here when it starts, and disconnects it when it closes.
 */
export class InProcessGroupDeletionQueue implements GroupDeletionQueue {
  private receiver: ((request: GroupDeletionRequest) => void) | undefined;

  /** Sends every request to `receiver` from now on (one local runtime per process). */
  connect(receiver: (request: GroupDeletionRequest) => void): void {
    this.receiver = receiver;
  }

  disconnect(): void {
    this.receiver = undefined;
  }

  async enqueue(request: GroupDeletionRequest): Promise<void> {
    if (!this.receiver) throw new Error('No group sweeper runs in this process.');
    this.receiver(request);
  }
}

/** The queue URL under which the local runtime runs its sweeper in-process. */
export const IN_PROCESS_QUEUE_URL = 'in-process';

/** The one in-process queue of this process. */
export const inProcessGroupDeletions = new InProcessGroupDeletionQueue();
