import { describe, expect, it } from 'vitest';
import { includesAttribute, parseAttributeList, projectResource } from '../../../shared/scim/projection.ts';
import type { ScimResource } from '../../../shared/scim/resource.ts';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  groupResourceType,
  USER_SCHEMA,
  userResourceType,
} from '../../../shared/scim/schema/resource-type.ts';

const user: ScimResource = {
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: 'u1',
  userName: 'ada',
  password: 'never shown',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [
    { value: 'a@x', type: 'work' },
    { value: 'b@x', type: 'home' },
  ],
  [ENTERPRISE_USER_SCHEMA]: { department: 'R&D', employeeNumber: '1' },
  meta: { resourceType: 'User', version: 'W/"1"' },
};
const project = (projection: Parameters<typeof projectResource>[2]) =>
  projectResource(userResourceType, user, projection);

describe('projectResource', () => {
  it('never returns the password', () => {
    expect(project({})).not.toHaveProperty('password');
    expect(project({ attributes: ['password'] })).not.toHaveProperty('password');
  });

  it('attributes keeps the named attributes, sub-attributes and extension attributes, plus id and schemas', () => {
    expect(
      project({ attributes: ['Name.GivenName', 'emails.value', `${ENTERPRISE_USER_SCHEMA}:department`] }),
    ).toEqual({
      schemas: user.schemas,
      id: 'u1',
      name: { givenName: 'Ada' },
      emails: [{ value: 'a@x' }, { value: 'b@x' }],
      [ENTERPRISE_USER_SCHEMA]: { department: 'R&D' },
    });
  });

  it('excludedAttributes removes what it names but never id', () => {
    const out = project({
      excludedAttributes: ['emails', 'id', 'name.familyName', `${ENTERPRISE_USER_SCHEMA}:employeeNumber`],
    });
    expect(out).toMatchObject({
      id: 'u1',
      name: { givenName: 'Ada' },
      [ENTERPRISE_USER_SCHEMA]: { department: 'R&D' },
    });
    expect(out).not.toHaveProperty('emails');
    expect(out.name).not.toHaveProperty('familyName');
  });

  it('ignores names the schema does not know, and does not change its input', () => {
    const before = structuredClone(user);
    expect(project({ attributes: ['userName', 'urn:custom:thing'] })).toEqual({
      schemas: user.schemas,
      id: 'u1',
      userName: 'ada',
    });
    expect(user).toEqual(before);
  });

  it('parses comma-separated lists', () => {
    expect(parseAttributeList(' userName , emails.value,, ')).toEqual(['userName', 'emails.value']);
    expect(parseAttributeList('')).toBeUndefined();
  });
});

describe('includesAttribute', () => {
  it.each([
    [{}, true],
    [{ excludedAttributes: ['members'] }, false],
    [{ excludedAttributes: ['MEMBERS', 'displayName'] }, false],
    [{ excludedAttributes: ['members.display'] }, true],
    [{ attributes: ['displayName'] }, false],
    [{ attributes: ['members.value'] }, true],
    [{ attributes: [`${GROUP_SCHEMA}:members`] }, true],
  ])('members with %j: %s', (projection, expected) => {
    expect(includesAttribute(groupResourceType, projection, 'members')).toBe(expected);
  });

  it('says whether a user shows its groups, and never the password', () => {
    expect(includesAttribute(userResourceType, {}, 'groups')).toBe(true);
    expect(includesAttribute(userResourceType, { excludedAttributes: ['groups'] }, 'groups')).toBe(false);
    expect(includesAttribute(userResourceType, { attributes: ['userName'] }, 'groups')).toBe(false);
    expect(includesAttribute(userResourceType, { attributes: ['userName'] }, 'id')).toBe(true);
    expect(includesAttribute(userResourceType, { attributes: ['password'] }, 'password')).toBe(false);
  });
});
