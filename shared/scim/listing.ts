import type { CursorKeySource } from '../ports/cursor-key.ts';
import type { PagePosition, PositionedPage } from '../ports/paging.ts';
import { CursorCodec, type CursorPosition, type CursorScope, ephemeralCursorKey } from './cursor.ts';
import { ScimError } from './errors.ts';
import { type Filter, type IndexLookup, matchesFilter, parseFilter, planFilter } from './filter/index.ts';
import { cursorListResponse, type ListQuery, type ListResponse, listResponse } from './list.ts';
import { type Projection, projectResource } from './projection.ts';
import type { ScimResource } from './resource.ts';
import type { ResourceType } from './schema/resource-type.ts';
import { comparePlaces, readSort, type SortKey, type SortSpec, sortKeyOf } from './sort.ts';

/**
 * What the list engine needs from one resource type's storage, bound to one directory. Every
 * read is in the store's stable order (by id).
 */
export interface ListSource<Stored extends { readonly id: string }> {
  readonly resourceType: ResourceType;
  /** Index paging of every resource; `startIndex` is 1-based. */
  page(startIndex: number, count: number): Promise<{ items: readonly Stored[]; totalResults: number }>;
  /**
   * Cursor paging of every resource from a position, at a cost that does not depend on the
   * position. Optional: without it, unfiltered cursor lists read the candidates as filters do.
   */
  pageAt?(position: PagePosition, count: number): Promise<PositionedPage<Stored>>;
  /** Resources answering an index look-up (filters on indexed attributes). */
  lookup(lookup: IndexLookup): Promise<readonly Stored[]>;
  /** Every resource; the engine stops reading past its bound. */
  scan(): AsyncIterable<Stored>;
  /**
   * Keeps the candidates that match `filter`, for a resource type whose filters read more than
   * `toResource` shows (a user's `groups` live with the memberships). Absent: each candidate's
   * `toResource` is checked.
   */
  matching?(filter: Filter, candidates: readonly Stored[]): Promise<readonly Stored[]>;
  /** The SCIM resource (id, meta and all) that filters and sortBy read. No I/O: it runs for every candidate. */
  toResource(stored: Stored): ScimResource;
  /**
   * Completes the resources of the page being returned, e.g. with a user's `groups`: only the
   * returned page pays for it. Same resources, same order. `projection` lets it skip what is not asked for.
   */
  present?(resources: readonly ScimResource[], projection: Projection): Promise<readonly ScimResource[]>;
}

export interface ListEngineOptions {
  /** The secret that signs cursors; a random in-memory key when absent (tests, one process). */
  readonly cursorKey?: CursorKeySource;
  readonly clock?: () => Date;
  /**
   * The most resources a filter no index answers, or a sort, may read (docs/filters.md,
   * docs/paging.md). Past it the request is refused with 400 tooMany rather than running for minutes.
   */
  readonly maxScan?: number;
}

/** A resource that passed the filter, with its place in the order. */
interface Candidate {
  readonly resource: ScimResource;
  readonly key: SortKey;
  readonly id: string;
}

/**
 * GET /{Resources} and POST /{Resources}/.search for any resource type (RFC 7644 §3.4.2,
 * RFC 9865): filter, sort, index or cursor paging, projection.
 *
 * - Neither filter nor sort: pages come straight from storage (index paging by bookmarks, cursor
 *   paging by key), a constant cost per page.
 * - A filter or a sort: the candidates are read (index look-ups, or every resource up to
 *   `maxScan`), checked, ordered (by the sort, ties and unsorted lists by id), and the page is cut
 *   from them; a cursor then holds the place of the page's last (or first) resource in that order.
 *
 * @example
 * const engine = new ListEngine({ cursorKey });
 * await engine.list('default', readListQuery(request.query), userSource);
 */
export class ListEngine {
  private readonly cursors: CursorCodec;
  private readonly maxScan: number;

  constructor(options: ListEngineOptions = {}) {
    this.cursors = new CursorCodec(options.cursorKey ?? ephemeralCursorKey(), {
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.maxScan = options.maxScan ?? 25_000;
  }

  async list<Stored extends { readonly id: string }>(
    directoryId: string,
    query: ListQuery,
    source: ListSource<Stored>,
  ): Promise<ListResponse> {
    const type = source.resourceType;
    const filter = query.filter ? parseFilter(query.filter, type) : undefined;
    const sort = readSort(type, query.sortBy, query.sortOrder);
    const { count } = query;

    if (query.cursor === undefined) {
      if (!filter && !sort) {
        const page = await source.page(query.startIndex, count);
        const resources = await this.present(
          source,
          page.items.map((item) => source.toResource(item)),
          query,
        );
        return listResponse(resources, page.totalResults, query.startIndex);
      }
      const ordered = await this.candidates(source, filter, sort);
      const page = ordered.slice(query.startIndex - 1, query.startIndex - 1 + count);
      return listResponse(
        await this.present(source, resourcesOf(page), query),
        ordered.length,
        query.startIndex,
      );
    }

    const scope: CursorScope = {
      directoryId,
      resourceType: type.name,
      query: JSON.stringify({ filter: filter ?? null, sort: sort ? [sort.path, sort.order] : null }),
      count,
    };
    const position = query.cursor === '' ? undefined : await this.cursors.open(query.cursor, scope);
    if (!filter && !sort && source.pageAt) {
      return this.storeCursorPage(source, source.pageAt.bind(source), query, scope, position);
    }
    if (count === 0 && !filter) {
      return cursorListResponse([], (await source.page(1, 0)).totalResults, {});
    }
    const ordered = await this.candidates(source, filter, sort);
    const start = startOf(ordered, position, count, sort);
    const page = ordered.slice(start, start + count);
    const first = page[0];
    const last = page.at(-1);
    const place = (candidate: Candidate) => ({
      id: candidate.id,
      ...(sort ? { key: candidate.key } : {}),
    });
    return cursorListResponse(await this.present(source, resourcesOf(page), query), ordered.length, {
      next:
        last && start + page.length < ordered.length
          ? await this.cursors.issue(scope, { direction: 'after', ...place(last) })
          : undefined,
      previous:
        first && start > 0
          ? await this.cursors.issue(scope, { direction: 'before', ...place(first) })
          : undefined,
    });
  }

  /** Unfiltered, unsorted cursor paging: one keyed read per page, wherever the page is. */
  private async storeCursorPage<Stored extends { readonly id: string }>(
    source: ListSource<Stored>,
    pageAt: Required<ListSource<Stored>>['pageAt'],
    query: ListQuery,
    scope: CursorScope,
    position: CursorPosition | undefined,
  ): Promise<ListResponse> {
    if (query.count === 0) return cursorListResponse([], (await source.page(1, 0)).totalResults, {});
    const backwards = position?.direction === 'before';
    const from: PagePosition = !position
      ? {}
      : position.direction === 'after'
        ? { after: position.id }
        : { before: position.id };
    let page = await pageAt(from, query.count);
    let fromStart = position === undefined;
    if (backwards && page.items.length < query.count) {
      // Going back reached the start: serve the first page whole, as a client paging back expects.
      page = await pageAt({}, query.count);
      fromStart = true;
    }
    const first = page.items[0];
    const last = page.items.at(-1);
    const hasNext = backwards && !fromStart ? true : page.more;
    const hasPrevious = fromStart ? false : backwards ? page.more : true;
    const resources = await this.present(
      source,
      page.items.map((item) => source.toResource(item)),
      query,
    );
    return cursorListResponse(resources, page.totalResults, {
      next:
        hasNext && last ? await this.cursors.issue(scope, { direction: 'after', id: last.id }) : undefined,
      previous:
        hasPrevious && first
          ? await this.cursors.issue(scope, { direction: 'before', id: first.id })
          : undefined,
    });
  }

  /** The resources matching `filter`, in the order of `sort` (by id without one). */
  private async candidates<Stored extends { readonly id: string }>(
    source: ListSource<Stored>,
    filter: Filter | undefined,
    sort: SortSpec | undefined,
  ): Promise<Candidate[]> {
    const plan = filter ? planFilter(filter, source.resourceType) : { kind: 'scan' as const };
    const stored =
      plan.kind === 'lookup'
        ? await lookupAll(source, plan.lookups)
        : await this.scanAll(source, filter ? 'filter' : 'sort');
    const kept = filter && source.matching ? await source.matching(filter, stored) : stored;
    const candidates: Candidate[] = [];
    for (const item of kept) {
      const resource = source.toResource(item);
      if (filter && !source.matching && !matchesFilter(filter, resource)) continue;
      candidates.push({ resource, id: item.id, key: sort ? sortKeyOf(resource, sort) : null });
    }
    return candidates.sort((a, b) => comparePlaces(a, b, sort));
  }

  private async scanAll<Stored extends { readonly id: string }>(
    source: ListSource<Stored>,
    reason: 'filter' | 'sort',
  ): Promise<Stored[]> {
    const items: Stored[] = [];
    for await (const item of source.scan()) {
      if (items.length >= this.maxScan) throw tooMany(source.resourceType, reason, this.maxScan);
      items.push(item);
    }
    return items;
  }

  private async present<Stored extends { readonly id: string }>(
    source: ListSource<Stored>,
    resources: readonly ScimResource[],
    projection: Projection,
  ): Promise<ScimResource[]> {
    const complete = source.present ? await source.present(resources, projection) : resources;
    return complete.map((resource) => projectResource(source.resourceType, resource, projection));
  }
}

function resourcesOf(page: readonly Candidate[]): ScimResource[] {
  return page.map((candidate) => candidate.resource);
}

/**
 * Where a cursor page starts in the ordered candidates: after or before the cursor's place,
 * found by the same comparison that ordered them, so a resource added or removed elsewhere
 * shifts nothing. Paging back past the start serves the first page whole.
 */
function startOf(
  ordered: readonly Candidate[],
  position: CursorPosition | undefined,
  count: number,
  sort: SortSpec | undefined,
): number {
  if (!position) return 0;
  const place = { id: position.id, key: position.key ?? null };
  const firstAfter = ordered.findIndex((candidate) => comparePlaces(candidate, place, sort) > 0);
  if (position.direction === 'after') return firstAfter < 0 ? ordered.length : firstAfter;
  const firstAtOrAfter = ordered.findIndex((candidate) => comparePlaces(candidate, place, sort) >= 0);
  const end = firstAtOrAfter < 0 ? ordered.length : firstAtOrAfter;
  return Math.max(0, end - count);
}

async function lookupAll<Stored extends { readonly id: string }>(
  source: ListSource<Stored>,
  lookups: readonly IndexLookup[],
): Promise<Stored[]> {
  const found = new Map<string, Stored>();
  for (const lookup of lookups) {
    for (const item of await source.lookup(lookup)) found.set(item.id, item);
  }
  return [...found.values()];
}

/** The attributes whose `eq` each resource type answers from an index (filter/plan.ts, docs/filters.md). */
const INDEXED: Record<ResourceType['name'], string> = {
  User: 'userName, externalId, id or emails.value',
  Group: 'displayName, externalId or id',
};

function tooMany(type: ResourceType, reason: 'filter' | 'sort', maxScan: number): ScimError {
  const noun = type.name.toLowerCase();
  const detail =
    reason === 'filter'
      ? `This filter is evaluated by examining every ${noun}, and the directory has more than ${maxScan}. ` +
        `Filter with eq on ${INDEXED[type.name]}, which are answered from an index.`
      : `Sorting reads every ${noun} the list covers, and the directory has more than ${maxScan}. ` +
        `Sort a list filtered with eq on ${INDEXED[type.name]} (answered from an index), or list without sortBy.`;
  return ScimError.badRequest('tooMany', detail);
}
