import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../../shared/scim/errors.ts';
import { applyPatch } from '../../../../shared/scim/patch/index.ts';
import { USER_SCHEMA, userResourceType } from '../../../../shared/scim/schema/resource-type.ts';

const user = { schemas: [USER_SCHEMA], id: 'u1', userName: 'ada', emails: [{ value: 'a@x', type: 'work' }] };

/** PATCH paths go through the same hardened filter parser as GET ?filter=: no path can hang a function. */
describe('hostile PATCH paths', () => {
  it('refuses an unterminated value filter full of line breaks at once with 400 invalidPath', () => {
    const path = `emails[value eq "${'\n'.repeat(3000)}x]`;
    const started = performance.now();
    let caught: unknown;
    try {
      applyPatch(userResourceType, user, { Operations: [{ op: 'remove', path }] });
    } catch (error) {
      caught = error;
    }
    expect(performance.now() - started).toBeLessThan(1000);
    expect(caught).toBeInstanceOf(ScimError);
    expect(caught).toMatchObject({ status: 400, scimType: 'invalidPath' });
  });

  it('accepts a value with a colon in a value filter (an IM address)', () => {
    const result = applyPatch(
      userResourceType,
      { ...user, ims: [{ value: 'xmpp:ada@x', type: 'xmpp' }] },
      {
        Operations: [{ op: 'remove', path: 'ims[value eq "xmpp:ada@x"]' }],
      },
    );
    expect(result.ims).toBeUndefined();
  });
});
