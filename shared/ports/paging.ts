/**
 * Where a cursor page starts in a store's stable order (the order of ids): right after the
 * resource `after` (from the first resource when absent), or, reading backwards, right before
 * `before`. The resource named need not exist any more: the position stays meaningful.
 */
export type PagePosition =
  | { readonly after?: string; readonly before?: undefined }
  | { readonly before: string; readonly after?: undefined };

/** One page read from a position, in ascending order whichever way it was read. */
export interface PositionedPage<T> {
  readonly items: readonly T[];
  /** Whether further resources lie beyond the page in the direction read. */
  readonly more: boolean;
  readonly totalResults: number;
}
