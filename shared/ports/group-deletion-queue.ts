/** A group whose delete a request could not finish in time: the rest is done in the background. */
export interface GroupDeletionRequest {
  readonly directoryId: string;
  readonly groupId: string;
}

/**
 * Where a group DELETE hands the rest of its work (removing the memberships of a very large
 * group) when the request runs out of time. The group is already marked `deleting`, so it is
 * gone for every reader; whoever receives the request finishes the delete
 * (`GroupService.finishDelete`). Delivery may repeat: finishing a delete twice is harmless.
 */
export interface GroupDeletionQueue {
  /** Queues the rest of the delete. Throws when the hand-off failed (nothing was queued then). */
  enqueue(request: GroupDeletionRequest): Promise<void>;
}
