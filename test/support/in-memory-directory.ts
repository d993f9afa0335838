/**
 * In-memory UserStore and GroupStore, for tests of the SCIM services: simple, but keeping the
 * ports' contracts (versions, uniqueness, membership only of live users, a user's groups removed
 * with it), so that a service test fails where the service relies on something the real store
 * would not do. The DynamoDB stores are tested against DynamoDB Local.
 */
import { isDeepStrictEqual } from 'node:util';
import type {
  GroupDeletion,
  GroupPage,
  GroupRef,
  GroupStore,
  MemberSlice,
  MembershipDelta,
  StoredGroup,
} from '../../shared/ports/group-store.ts';
import type { PagePosition, PositionedPage } from '../../shared/ports/paging.ts';
import type { Actor, StoredUser, UserPage, UserStore } from '../../shared/ports/user-store.ts';
import { VersionConflict } from '../../shared/ports/user-store.ts';
import { ScimError } from '../../shared/scim/errors.ts';
import type { IndexLookup } from '../../shared/scim/filter/index.ts';
import type { ScimResource } from '../../shared/scim/resource.ts';

export interface InMemoryDirectory {
  readonly users: InMemoryUserStore;
  readonly groups: InMemoryGroupStore;
}

/**
 * @example
 * const { users, groups } = inMemoryDirectory();
 * const service = new GroupService(groups);
 */
export function inMemoryDirectory(): InMemoryDirectory {
  const users = new InMemoryUserStore();
  const groups = new InMemoryGroupStore(users);
  users.onDelete = (directoryId, userId) => groups.forgetUser(directoryId, userId);
  return { users, groups };
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const lower = (value: unknown) => String(value).toLowerCase();

/** Counts calls per method, so tests can assert what a request did not read. */
class Calls {
  private readonly counts = new Map<string, number>();
  record(method: string): void {
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
  }
  of(method: string): number {
    return this.counts.get(method) ?? 0;
  }
  reset(): void {
    this.counts.clear();
  }
}

export class InMemoryUserStore implements UserStore {
  readonly calls = new Calls();
  onDelete: (directoryId: string, userId: string) => void = () => {};
  private readonly directories = new Map<string, Map<string, StoredUser>>();

  private usersOf(directoryId: string): Map<string, StoredUser> {
    const users = this.directories.get(directoryId) ?? new Map<string, StoredUser>();
    this.directories.set(directoryId, users);
    return users;
  }

  /** Test set-up: a user in the directory, or one marked as being deleted. */
  put(directoryId: string, user: StoredUser): void {
    this.usersOf(directoryId).set(user.id, user);
  }

  has(directoryId: string, id: string): boolean {
    return this.usersOf(directoryId).has(id);
  }

  async create(
    directoryId: string,
    user: { id: string; resource: ScimResource; now: string },
    _actor: Actor,
  ) {
    this.calls.record('create');
    const users = this.usersOf(directoryId);
    if ([...users.values()].some((u) => lower(u.resource.userName) === lower(user.resource.userName)))
      throw ScimError.conflict(`userName "${String(user.resource.userName)}" is already taken.`);
    const stored: StoredUser = { ...user, version: 1, created: user.now, lastModified: user.now };
    users.set(user.id, stored);
    return stored;
  }

  async get(directoryId: string, id: string) {
    this.calls.record('get');
    return this.usersOf(directoryId).get(id);
  }

  async getMany(directoryId: string, ids: readonly string[]) {
    this.calls.record('getMany');
    const users = this.usersOf(directoryId);
    return [...new Set(ids)].flatMap((id) => users.get(id) ?? []);
  }

  async replace(
    directoryId: string,
    current: StoredUser,
    next: { resource: ScimResource; now: string },
    _actor: Actor,
  ) {
    this.calls.record('replace');
    const users = this.usersOf(directoryId);
    const stored = users.get(current.id);
    if (!stored) throw ScimError.notFound(`User ${current.id} not found.`);
    if (stored.version !== current.version) throw new VersionConflict(`User ${current.id} changed`);
    if (
      [...users.values()].some(
        (u) => u.id !== current.id && lower(u.resource.userName) === lower(next.resource.userName),
      )
    )
      throw ScimError.conflict(`userName "${String(next.resource.userName)}" is already taken.`);
    const replaced: StoredUser = {
      ...stored,
      resource: next.resource,
      version: stored.version + 1,
      lastModified: next.now,
    };
    users.set(current.id, replaced);
    return replaced;
  }

  async delete(directoryId: string, current: StoredUser, _now: string, _actor: Actor) {
    this.calls.record('delete');
    const users = this.usersOf(directoryId);
    const stored = users.get(current.id);
    if (!stored) throw ScimError.notFound(`User ${current.id} not found.`);
    if (stored.version !== current.version) throw new VersionConflict(`User ${current.id} changed`);
    this.onDelete(directoryId, current.id);
    users.delete(current.id);
  }

  async lookup(directoryId: string, { index, value }: IndexLookup) {
    this.calls.record(`lookup:${index}`);
    const all = [...this.usersOf(directoryId).values()];
    switch (index) {
      case 'id':
        return all.filter((u) => u.id === value);
      case 'userName':
        return all.filter((u) => lower(u.resource.userName) === lower(value));
      case 'externalId':
        return all.filter((u) => u.resource.externalId === value);
      case 'emails.value':
        return all.filter((u) =>
          (Array.isArray(u.resource.emails) ? u.resource.emails : []).some(
            (e) =>
              typeof e === 'object' && e !== null && !Array.isArray(e) && lower(e.value) === lower(value),
          ),
        );
      default:
        return [];
    }
  }

  async page(directoryId: string, startIndex: number, count: number): Promise<UserPage> {
    this.calls.record('page');
    const all = [...this.usersOf(directoryId).values()].sort(byId);
    return { users: all.slice(startIndex - 1, startIndex - 1 + count), totalResults: all.length };
  }

  async pageAt(
    directoryId: string,
    position: PagePosition,
    count: number,
  ): Promise<PositionedPage<StoredUser>> {
    this.calls.record('pageAt');
    const all = [...this.usersOf(directoryId).values()].sort(byId);
    if (position.before !== undefined) {
      const before = all.filter((user) => user.id < (position.before ?? ''));
      return { items: before.slice(-count), more: before.length > count, totalResults: all.length };
    }
    const after = all.filter((user) => position.after === undefined || user.id > position.after);
    return { items: after.slice(0, count), more: after.length > count, totalResults: all.length };
  }

  async *scan(directoryId: string): AsyncIterable<StoredUser> {
    this.calls.record('scan');
    yield* [...this.usersOf(directoryId).values()].sort(byId);
  }
}

export class InMemoryGroupStore implements GroupStore {
  readonly calls = new Calls();
  private readonly directories = new Map<string, Map<string, StoredGroup>>();
  private readonly memberships = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly users: InMemoryUserStore) {}

  private groupsIn(directoryId: string): Map<string, StoredGroup> {
    const groups = this.directories.get(directoryId) ?? new Map<string, StoredGroup>();
    this.directories.set(directoryId, groups);
    return groups;
  }

  private membersOf(directoryId: string, groupId: string): Set<string> {
    const byGroup = this.memberships.get(directoryId) ?? new Map<string, Set<string>>();
    this.memberships.set(directoryId, byGroup);
    const members = byGroup.get(groupId) ?? new Set<string>();
    byGroup.set(groupId, members);
    return members;
  }

  /** Test set-up: a group marked as being deleted, as a delete interrupted half-way leaves it. */
  markDeleting(directoryId: string, groupId: string): void {
    const group = this.groupsIn(directoryId).get(groupId);
    if (group) this.groupsIn(directoryId).set(groupId, { ...group, deleting: true });
  }

  /** What deleting a user does to its memberships. */
  forgetUser(directoryId: string, userId: string): void {
    for (const members of this.memberships.get(directoryId)?.values() ?? []) members.delete(userId);
  }

  private assertUsers(directoryId: string, ids: readonly string[]): void {
    const unknown = ids.filter((id) => !this.users.has(directoryId, id));
    if (unknown.length > 0)
      throw ScimError.badRequest('invalidValue', `Not users of this directory: ${unknown.join(', ')}.`);
  }

  private assertDisplayNameFree(directoryId: string, resource: ScimResource, except?: string): void {
    const taken = [...this.groupsIn(directoryId).values()].some(
      (g) => g.id !== except && lower(g.resource.displayName) === lower(resource.displayName),
    );
    if (taken) throw ScimError.conflict(`displayName "${String(resource.displayName)}" is taken.`);
  }

  async create(
    directoryId: string,
    group: { id: string; resource: ScimResource; members: readonly string[]; now: string },
    _actor: Actor,
  ) {
    this.calls.record('create');
    this.assertDisplayNameFree(directoryId, group.resource);
    this.assertUsers(directoryId, group.members);
    const stored: StoredGroup = {
      id: group.id,
      resource: group.resource,
      version: 1,
      created: group.now,
      lastModified: group.now,
    };
    this.groupsIn(directoryId).set(group.id, stored);
    for (const id of group.members) this.membersOf(directoryId, group.id).add(id);
    return stored;
  }

  async get(directoryId: string, id: string) {
    this.calls.record('get');
    return this.groupsIn(directoryId).get(id);
  }

  async update(
    directoryId: string,
    current: StoredGroup,
    change: { resource: ScimResource; members?: MembershipDelta; now: string },
    _actor: Actor,
    options: { ifMatch?: boolean } = {},
  ) {
    this.calls.record('update');
    const stored = this.groupsIn(directoryId).get(current.id);
    if (!stored || stored.deleting) throw ScimError.notFound(`Group ${current.id} not found.`);
    const attributesChange = !isDeepStrictEqual(change.resource, stored.resource);
    if ((options.ifMatch || attributesChange) && stored.version !== current.version)
      throw new VersionConflict(`Group ${current.id} changed`);
    const delta = change.members ?? { add: [], remove: [] };
    this.assertUsers(directoryId, [...(delta.replaceAll ?? []), ...delta.add]);
    if (attributesChange) this.assertDisplayNameFree(directoryId, change.resource, current.id);
    const before = this.membersOf(directoryId, current.id);
    const after = new Set(delta.replaceAll ?? before);
    for (const id of delta.add) after.add(id);
    for (const id of delta.remove) after.delete(id);
    if (!attributesChange && isDeepStrictEqual(after, before)) return current;
    this.memberships.get(directoryId)?.set(current.id, after);
    const updated: StoredGroup = {
      ...stored,
      resource: change.resource,
      version: stored.version + 1,
      lastModified: change.now,
    };
    this.groupsIn(directoryId).set(current.id, updated);
    return updated;
  }

  async delete(
    directoryId: string,
    current: StoredGroup,
    _now: string,
    _actor: Actor,
    options: { deadline?: number } = {},
  ): Promise<GroupDeletion> {
    this.calls.record('delete');
    const stored = this.groupsIn(directoryId).get(current.id);
    if (!stored) throw ScimError.notFound(`Group ${current.id} not found.`);
    if (stored.version !== current.version) throw new VersionConflict(`Group ${current.id} changed`);
    // As the table's sweep: past the deadline no member is removed, and the group stays marked.
    if (
      (options.deadline ?? Number.POSITIVE_INFINITY) <= Date.now() &&
      this.membersOf(directoryId, current.id).size > 0
    ) {
      this.markDeleting(directoryId, current.id);
      return 'unfinished';
    }
    this.memberships.get(directoryId)?.delete(current.id);
    this.groupsIn(directoryId).delete(current.id);
    return 'deleted';
  }

  async resumeDelete(
    directoryId: string,
    groupId: string,
    options: { deadline?: number } = {},
  ): Promise<GroupDeletion | 'notDeleting'> {
    this.calls.record('resumeDelete');
    const stored = this.groupsIn(directoryId).get(groupId);
    if (!stored) return 'deleted';
    if (!stored.deleting) return 'notDeleting';
    return this.delete(directoryId, stored, '', { kind: 'admin', id: 'resume' }, options);
  }

  async lookup(directoryId: string, { index, value }: IndexLookup) {
    this.calls.record(`lookup:${index}`);
    const all = [...this.groupsIn(directoryId).values()];
    switch (index) {
      case 'id':
        return all.filter((g) => g.id === value);
      case 'displayName':
        return all.filter((g) => lower(g.resource.displayName) === lower(value));
      case 'externalId':
        return all.filter((g) => g.resource.externalId === value);
      case 'members.value':
        return all.filter((g) => this.membersOf(directoryId, g.id).has(value));
      default:
        return [];
    }
  }

  async page(directoryId: string, startIndex: number, count: number): Promise<GroupPage> {
    this.calls.record('page');
    // As the table's: a group being deleted is neither listed nor counted.
    const all = [...this.groupsIn(directoryId).values()].filter((g) => !g.deleting).sort(byId);
    return { groups: all.slice(startIndex - 1, startIndex - 1 + count), totalResults: all.length };
  }

  async pageAt(
    directoryId: string,
    position: PagePosition,
    count: number,
  ): Promise<PositionedPage<StoredGroup>> {
    this.calls.record('pageAt');
    const all = [...this.groupsIn(directoryId).values()].sort(byId);
    const live = all.filter((group) => !group.deleting);
    if (position.before !== undefined) {
      const before = live.filter((group) => group.id < (position.before ?? ''));
      return { items: before.slice(-count), more: before.length > count, totalResults: all.length };
    }
    const after = live.filter((group) => position.after === undefined || group.id > position.after);
    return { items: after.slice(0, count), more: after.length > count, totalResults: all.length };
  }

  async *scan(directoryId: string): AsyncIterable<StoredGroup> {
    this.calls.record('scan');
    yield* [...this.groupsIn(directoryId).values()].sort(byId);
  }

  async memberCount(directoryId: string, groupId: string) {
    this.calls.record('memberCount');
    return this.membersOf(directoryId, groupId).size;
  }

  async membersAmong(directoryId: string, groupId: string, userIds: readonly string[]) {
    this.calls.record('membersAmong');
    const members = this.membersOf(directoryId, groupId);
    return new Set(userIds.filter((id) => members.has(id)));
  }

  async members(directoryId: string, groupId: string, options: { after?: string; limit: number }) {
    this.calls.record('members');
    const after = options.after;
    const sorted = [...this.membersOf(directoryId, groupId)]
      .sort()
      .filter((id) => after === undefined || id > after);
    const userIds = sorted.slice(0, options.limit);
    const last = userIds.at(-1);
    const slice: MemberSlice =
      sorted.length > options.limit && last !== undefined ? { userIds, next: last } : { userIds };
    return slice;
  }

  async groupsOf(directoryId: string, userId: string): Promise<GroupRef[]> {
    this.calls.record('groupsOf');
    return [...this.groupsIn(directoryId).values()]
      .filter((g) => !g.deleting && this.membersOf(directoryId, g.id).has(userId))
      .sort(byId)
      .map((g) => ({ id: g.id, displayName: String(g.resource.displayName) }));
  }
}
