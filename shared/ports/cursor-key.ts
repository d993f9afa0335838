/**
 * The secret that signs paging cursors (RFC 9865), the same for every function of a deployment so
 * that a cursor issued by one Lambda container is accepted by another.
 */
export interface CursorKeySource {
  /** At least 32 random bytes. */
  key(): Promise<Uint8Array>;
}
