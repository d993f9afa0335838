import {
  type AttributeDefinition,
  attr,
  complex,
  multiValuedEntry,
  type SchemaDefinition,
} from './attribute.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const name = complex('name', "The components of the user's real name.", [
  attr('formatted', 'string', 'The full name, formatted for display.'),
  attr('familyName', 'string', 'The family name of the User.'),
  attr('givenName', 'string', 'The given name of the User.'),
  attr('middleName', 'string', 'The middle name(s) of the User.'),
  attr('honorificPrefix', 'string', 'The honorific prefix(es) of the User.'),
  attr('honorificSuffix', 'string', 'The honorific suffix(es) of the User.'),
]);

const multi = { multiValued: true } as const;

const addresses = complex(
  'addresses',
  'A physical mailing address for this User.',
  [
    attr('formatted', 'string', 'The full mailing address, formatted for display.'),
    attr('streetAddress', 'string', 'The full street address component.'),
    attr('locality', 'string', 'The city or locality component.'),
    attr('region', 'string', 'The state or region component.'),
    attr('postalCode', 'string', 'The zip code or postal code component.'),
    attr('country', 'string', 'The country name component.'),
    attr('type', 'string', "A label indicating the attribute's function.", {
      canonicalValues: ['work', 'home', 'other'],
    }),
    attr('primary', 'boolean', 'A Boolean value indicating the preferred address.'),
  ],
  multi,
);

const userAttributes: AttributeDefinition[] = [
  attr(
    'userName',
    'string',
    'Unique identifier for the User, typically used to sign in. Unique per directory, case-insensitive.',
    {
      required: true,
      uniqueness: 'server',
    },
  ),
  name,
  attr('displayName', 'string', 'The name of the User, suitable for display to end-users.'),
  attr('nickName', 'string', 'The casual way to address the user.'),
  attr(
    'profileUrl',
    'reference',
    "A fully qualified URL pointing to a page representing the User's online profile.",
    {
      referenceTypes: ['external'],
    },
  ),
  attr('title', 'string', "The user's title, such as 'Vice President'."),
  attr('userType', 'string', 'Used to identify the relationship between the organization and the user.'),
  attr('preferredLanguage', 'string', "The User's preferred written or spoken language."),
  attr('locale', 'string', "The User's default location for localizing items."),
  attr('timezone', 'string', "The User's time zone in the 'Olson' time zone database format."),
  attr(
    'active',
    'boolean',
    "A Boolean value indicating the User's administrative status. false means a leaver.",
  ),
  attr(
    'password',
    'string',
    "The User's cleartext password. Write-only: accepted and never stored or returned.",
    {
      mutability: 'writeOnly',
      returned: 'never',
    },
  ),
  complex(
    'emails',
    'Email addresses for the user.',
    multiValuedEntry('string', 'Email address for the user.', ['work', 'home', 'other']),
    multi,
  ),
  complex(
    'phoneNumbers',
    'Phone numbers for the User.',
    multiValuedEntry('string', 'Phone number of the User.', [
      'work',
      'home',
      'mobile',
      'fax',
      'pager',
      'other',
    ]),
    multi,
  ),
  complex(
    'ims',
    'Instant messaging addresses for the User.',
    multiValuedEntry('string', 'Instant messaging address for the User.', [
      'aim',
      'gtalk',
      'icq',
      'xmpp',
      'msn',
      'skype',
      'qq',
      'yahoo',
    ]),
    multi,
  ),
  complex(
    'photos',
    'URLs of photos of the User.',
    // RFC 7643 §8.7.1: a photo is an external resource.
    multiValuedEntry('reference', 'URL of a photo of the User.', ['photo', 'thumbnail'], {
      referenceTypes: ['external'],
    }),
    multi,
  ),
  addresses,
  complex(
    'groups',
    'A list of groups to which the user belongs. Read-only: membership is changed through the Group resource.',
    [
      attr('value', 'string', "The identifier of the User's group.", { mutability: 'readOnly' }),
      attr('$ref', 'reference', 'The URI of the corresponding Group resource.', {
        mutability: 'readOnly',
        referenceTypes: ['Group'],
      }),
      attr('display', 'string', 'A human-readable name of the group.', { mutability: 'readOnly' }),
      attr('type', 'string', "'direct' or 'indirect' membership.", {
        mutability: 'readOnly',
        canonicalValues: ['direct', 'indirect'],
      }),
    ],
    { multiValued: true, mutability: 'readOnly' },
  ),
  complex(
    'entitlements',
    'A list of entitlements for the User.',
    multiValuedEntry('string', 'The value of an entitlement.', []),
    multi,
  ),
  complex(
    'roles',
    'A list of roles for the User.',
    multiValuedEntry('string', 'The value of a role.', []),
    multi,
  ),
  complex(
    'x509Certificates',
    'A list of certificates issued to the User.',
    multiValuedEntry('binary', 'The value of an X.509 certificate.', []),
    multi,
  ),
];

export const userSchema: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: userAttributes,
};

export const enterpriseUserSchema: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string', 'Numeric or alphanumeric identifier assigned to a person.'),
    attr('costCenter', 'string', 'Identifies the name of a cost center.'),
    attr('organization', 'string', 'Identifies the name of an organization.'),
    attr('division', 'string', 'Identifies the name of a division.'),
    attr('department', 'string', 'Identifies the name of a department.'),
    complex('manager', "The User's manager.", [
      attr('value', 'string', "The id of the SCIM resource representing the User's manager."),
      attr('$ref', 'reference', "The URI of the SCIM resource representing the User's manager.", {
        referenceTypes: ['User'],
      }),
      attr('displayName', 'string', "The displayName of the User's manager.", { mutability: 'readOnly' }),
    ]),
  ],
};
