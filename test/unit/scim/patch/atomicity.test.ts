import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../../shared/scim/errors.ts';
import { applyPatch } from '../../../../shared/scim/patch/index.ts';
import type { ScimResource } from '../../../../shared/scim/resource.ts';
import { userResourceType } from '../../../../shared/scim/schema/resource-type.ts';

const user = (): ScimResource => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: '2819c223-7f76-453a-919d-413861904646',
  userName: 'bjensen@example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
});

describe('PATCH atomicity', () => {
  it('leaves the resource untouched when the third operation fails after two have edited nested values', () => {
    const current = user();
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'barbara@example.com' },
        { op: 'replace', path: 'name.givenName', value: 'Barb' },
        { op: 'add', path: 'name', value: 'Barbara Jensen' },
      ],
    };

    let refused: unknown;
    try {
      applyPatch(userResourceType, current, body);
    } catch (error) {
      refused = error;
    }

    expect(refused).toBeInstanceOf(ScimError);
    expect(refused).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect((refused as ScimError).detail).toMatch(/^Operations\[2\]: /);
    expect(current).toStrictEqual(user());
  });

  it('returns a resource that shares no objects with the one passed in', () => {
    const current = user();
    const patched = applyPatch(userResourceType, current, {
      Operations: [{ op: 'replace', path: 'userName', value: 'barbara@example.com' }],
    });

    const [email] = patched.emails as { value: string }[];
    if (email) email.value = 'changed@example.com';
    (patched.name as { givenName: string }).givenName = 'Changed';

    expect(current).toStrictEqual(user());
  });
});
