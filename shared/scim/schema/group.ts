import { attr, complex, type SchemaDefinition } from './attribute.ts';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** RFC 7643 §4.2. The Group resource itself is served from a later release; its schema is published now. */
export const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'string', 'A human-readable name for the Group.', { required: true }),
    complex(
      'members',
      'A list of members of the Group.',
      [
        attr('value', 'string', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI of the member resource.', {
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        attr('display', 'string', 'A human-readable name of the member.', { mutability: 'readOnly' }),
        attr('type', 'string', "The type of member: 'User' or 'Group'.", {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
      ],
      { multiValued: true },
    ),
  ],
};
