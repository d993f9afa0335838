/**
 * Maps over `items` with at most `limit` calls in flight, results in the order of `items`. Reads
 * per resource (a user's groups, a group's member count) fan out this way so that a page of 200
 * resources neither runs its reads one by one nor fires 200 at once at storage.
 *
 * @example
 * const counts = await mapConcurrently(groups, 8, (group) => store.memberCount(directoryId, group.id));
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** How many storage reads one request runs at once when it reads per resource. */
export const READ_CONCURRENCY = 8;
