import { describe, expect, it } from 'vitest';
import { coerceResource } from '../../../shared/scim/coerce.ts';
import { ScimError } from '../../../shared/scim/errors.ts';
import {
  ENTERPRISE_USER_SCHEMA,
  USER_SCHEMA,
  userResourceType,
} from '../../../shared/scim/schema/resource-type.ts';

const coerce = (input: unknown) => coerceResource(userResourceType, input, { mode: 'create' });
const errorOf = (fn: () => unknown): ScimError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
};

describe('coerceResource', () => {
  it('rewrites attribute names to the schema spelling, case-insensitively, and rebuilds schemas', () => {
    expect(
      coerce({
        USERNAME: 'ada',
        Name: { GivenName: 'Ada' },
        [ENTERPRISE_USER_SCHEMA.toUpperCase()]: { EmployeeNumber: '7' },
      }),
    ).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      userName: 'ada',
      name: { givenName: 'Ada' },
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: '7' },
    });
  });

  it('reads Entra string booleans, including primary', () => {
    expect(
      coerce({ userName: 'a', active: 'False', emails: [{ value: 'a@x', primary: 'True' }] }),
    ).toMatchObject({
      active: false,
      emails: [{ value: 'a@x', primary: true }],
    });
  });

  it('ignores readOnly attributes, the password, unknown attributes and unknown extension schemas', () => {
    const out = coerce({
      userName: 'a',
      id: 'forged',
      meta: { created: 'x' },
      groups: [{ value: 'g1' }],
      password: 'secret',
      favouriteColour: 'blue',
      'urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User': { costCode: '1' },
      schemas: ['http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/User'],
    });
    expect(out).toEqual({ schemas: [USER_SCHEMA], userName: 'a' });
  });

  it('accepts the enterprise manager as a bare id; drops its readOnly displayName', () => {
    expect(
      coerce({ userName: 'a', [ENTERPRISE_USER_SCHEMA]: { manager: 'boss-id' } })[ENTERPRISE_USER_SCHEMA],
    ).toEqual({ manager: { value: 'boss-id' } });
    expect(
      coerce({ userName: 'a', [ENTERPRISE_USER_SCHEMA]: { manager: { value: 'b', displayName: 'Boss' } } })[
        ENTERPRISE_USER_SCHEMA
      ],
    ).toEqual({
      manager: { value: 'b' },
    });
  });

  it('treats null as unassigned and drops empty complex values', () => {
    expect(coerce({ userName: 'a', displayName: null, name: { givenName: null }, emails: [null] })).toEqual({
      schemas: [USER_SCHEMA],
      userName: 'a',
    });
  });

  it('requires userName', () => {
    expect(errorOf(() => coerce({ displayName: 'x' }))).toMatchObject({
      status: 400,
      scimType: 'invalidValue',
    });
    expect(errorOf(() => coerce({ userName: null }))).toMatchObject({
      status: 400,
      scimType: 'invalidValue',
    });
  });

  it.each([
    ['a non-object body', []],
    ['a string body', 'x'],
  ])('refuses %s with invalidSyntax', (_name, body) => {
    expect(errorOf(() => coerce(body))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
  });

  it.each([
    ['a boolean that is not one', { userName: 'a', active: 'maybe' }],
    ['a multi-valued attribute given an object', { userName: 'a', emails: { value: 'a@x' } }],
    ['a complex attribute given a string', { userName: 'a', name: 'Ada' }],
    ['a string given an object', { userName: { first: 'a' } }],
    [
      'two primary emails',
      {
        userName: 'a',
        emails: [
          { value: 'a', primary: true },
          { value: 'b', primary: true },
        ],
      },
    ],
    ['an extension that is not an object', { userName: 'a', [ENTERPRISE_USER_SCHEMA]: 'x' }],
  ])('refuses %s with invalidValue', (_name, body) => {
    expect(errorOf(() => coerce(body))).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });

  it('accepts a numeric employee number as its text', () => {
    expect(
      coerce({ userName: 'a', [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 1815 } })[ENTERPRISE_USER_SCHEMA],
    ).toEqual({ employeeNumber: '1815' });
  });
});
