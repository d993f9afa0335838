import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../shared/scim/errors.ts';
import { checkPreconditions, etagOf } from '../../../shared/scim/etag.ts';
import { MAX_RESULTS, readPaging } from '../../../shared/scim/list.ts';

describe('preconditions', () => {
  it('If-Match passes on the current version (weak or strong form, in a list, or *) and fails otherwise', () => {
    expect(checkPreconditions('write', etagOf(3), { ifMatch: 'W/"3"' })).toBe('proceed');
    expect(checkPreconditions('write', etagOf(3), { ifMatch: '"3"' })).toBe('proceed');
    expect(checkPreconditions('write', etagOf(3), { ifMatch: 'W/"1", W/"3"' })).toBe('proceed');
    expect(checkPreconditions('write', etagOf(3), { ifMatch: '*' })).toBe('proceed');
    expect(() => checkPreconditions('write', etagOf(3), { ifMatch: 'W/"2"' })).toThrow(ScimError);
  });

  it('If-None-Match is "not modified" for a read and 412 for a write', () => {
    expect(checkPreconditions('read', etagOf(3), { ifNoneMatch: 'W/"3"' })).toBe('notModified');
    expect(checkPreconditions('read', etagOf(3), { ifNoneMatch: 'W/"2"' })).toBe('proceed');
    expect(() => checkPreconditions('write', etagOf(3), { ifNoneMatch: '*' })).toThrow(
      expect.objectContaining({ status: 412 }),
    );
  });
});

describe('readPaging', () => {
  it('follows RFC 7644 §3.4.2.4', () => {
    expect(readPaging(undefined, undefined)).toEqual({ startIndex: 1, count: MAX_RESULTS });
    expect(readPaging('0', '-3')).toEqual({ startIndex: 1, count: 0 });
    expect(readPaging('101', '100')).toEqual({ startIndex: 101, count: 100 });
    expect(readPaging(5, 100000)).toEqual({ startIndex: 5, count: MAX_RESULTS });
  });

  it('refuses values that are not integers', () => {
    expect(() => readPaging('1.5', undefined)).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
    expect(() => readPaging(undefined, 'ten')).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
    expect(() => readPaging(true, undefined)).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
  });
});
