import { attr, complex, type SchemaDefinition } from './attribute.ts';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * RFC 7643 §4.2, as this service implements it: displayName is unique per directory
 * (case-insensitively, so an IdP's duplicate create gets 409), and members are users only.
 */
export const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr(
      'displayName',
      'string',
      'A human-readable name for the Group. Unique per directory, case-insensitive.',
      { required: true, uniqueness: 'server' },
    ),
    complex(
      'members',
      'A list of members of the Group: users of this directory (nested groups are not supported).',
      [
        attr('value', 'string', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI of the member resource.', {
          mutability: 'immutable',
          referenceTypes: ['User'],
        }),
        attr('display', 'string', 'A human-readable name of the member.', { mutability: 'readOnly' }),
        attr('type', 'string', "The type of member: 'User'.", {
          mutability: 'immutable',
          canonicalValues: ['User'],
        }),
      ],
      { multiValued: true },
    ),
  ],
};
