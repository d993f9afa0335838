/**
 * Table items and stream records as the DynamoDB adapter writes them, for the relay's unit tests.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { membershipChangeItem, toGroupItem } from '../../../shared/adapters/dynamodb/group-item.ts';
import type { ScimResource } from '../../../shared/scim/resource.ts';
import { GROUP_SCHEMA } from '../../../shared/scim/schema/resource-type.ts';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const actor = { kind: 'token', id: 'tok-1', label: 'Entra ID' } as const;

export function userItem(
  id: string,
  version: number,
  resource: Record<string, unknown> = {},
  directoryId = 'default',
): Record<string, unknown> {
  const full = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `${id}@example.com`,
    active: true,
    ...resource,
  };
  return {
    pk: `DIR#${directoryId}`,
    sk: `USER#${id}`,
    type: 'User',
    directoryId,
    id,
    resource: JSON.stringify(full),
    version,
    created: '2026-01-01T00:00:00.000Z',
    lastModified: `2026-01-01T00:00:${String(version).padStart(2, '0')}.000Z`,
    userName: full.userName,
    active: full.active !== false,
    actor,
    claimSk: 'UNIQUE#userName#x',
    indexSks: [],
  };
}

export function tombstoneItem(id: string, version: number, directoryId = 'default'): Record<string, unknown> {
  const item = userItem(id, version - 1, {}, directoryId);
  return {
    pk: item.pk,
    sk: `TOMBSTONE#USER#${id}`,
    type: 'UserTombstone',
    directoryId,
    id,
    resource: item.resource,
    version,
    deletedAt: '2026-01-02T00:00:00.000Z',
    actor,
  };
}

let sequence = 1000;
/** A stream record as Lambda delivers it (NEW_AND_OLD_IMAGES). */
export function streamRecord(
  oldImage: Record<string, unknown> | undefined,
  newImage: Record<string, unknown> | undefined,
): DynamoDBRecord {
  const image = (item: Record<string, unknown> | undefined) =>
    item
      ? (marshall(item, { removeUndefinedValues: true }) as NonNullable<
          DynamoDBRecord['dynamodb']
        >['NewImage'])
      : undefined;
  return {
    eventName: oldImage && newImage ? 'MODIFY' : newImage ? 'INSERT' : 'REMOVE',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(sequence++).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ...(oldImage ? { OldImage: image(oldImage) } : {}),
      ...(newImage ? { NewImage: image(newImage) } : {}),
    },
  };
}

/** A GROUP# item exactly as DynamoGroupStore writes it. */
export function groupItem(
  id: string,
  version: number,
  resource: Record<string, unknown> = {},
  options: { directoryId?: string; deleting?: true } = {},
): Record<string, unknown> {
  const stored = {
    id,
    resource: { schemas: [GROUP_SCHEMA], displayName: `Group ${id}`, ...resource } as ScimResource,
    version,
    created: '2026-01-01T00:00:00.000Z',
    lastModified: `2026-01-01T00:00:${String(version).padStart(2, '0')}.000Z`,
    ...(options.deleting ? { deleting: true as const } : {}),
  };
  return { ...toGroupItem(options.directoryId ?? 'default', stored, actor) };
}

export function groupTombstoneItem(
  id: string,
  version: number,
  directoryId = 'default',
): Record<string, unknown> {
  const item = groupItem(id, version - 1, { externalId: `ext-${id}` }, { directoryId });
  return {
    pk: item.pk,
    sk: `TOMBSTONE#GROUP#${id}`,
    type: 'GroupTombstone',
    directoryId,
    id,
    resource: item.resource,
    version,
    deletedAt: '2026-01-03T00:00:00.000Z',
    actor,
  };
}

/** A MembershipChange item exactly as the membership writer puts it. */
export function membershipChange(
  groupId: string,
  version: number,
  kind: 'added' | 'removed',
  members: string[],
  part = 1,
  parts = 1,
): Record<string, unknown> {
  return {
    ...membershipChangeItem({
      directoryId: 'default',
      groupId,
      version,
      kind,
      members,
      part,
      parts,
      occurredAt: '2026-01-02T00:00:00.000Z',
      actor,
      displayName: `Group ${groupId}`,
      externalId: `ext-${groupId}`,
    }),
  };
}
