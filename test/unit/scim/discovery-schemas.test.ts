import { describe, expect, it } from 'vitest';
import { schemaResource, servedResourceTypes, servedSchemas } from '../../../shared/scim/discovery.ts';
import {
  everyAttribute,
  type SchemaAttribute,
  schemaResourceDefinition,
} from '../../support/rfc7643-schema.ts';

const BASE = 'https://scim.example.com/default/scim/v2';
const resourceTypeNames = servedResourceTypes.map((type) => type.name);
const served = servedSchemas.map((schema) => schemaResource(schema, BASE));

/** What /Schemas serves, read the way a schema-driven client reads it before anything else. */
describe('/Schemas against RFC 7643 §7', () => {
  it.each(served.map((schema) => [schema.id, schema] as const))(
    '%s is a valid schema definition',
    (_, schema) => {
      const result = schemaResourceDefinition(resourceTypeNames).safeParse(schema);
      expect(result.success ? [] : result.error.issues).toEqual([]);
    },
  );

  it('gives every reference attribute its referenceTypes (photos.value is "external", §8.7.1)', () => {
    const references = served.flatMap((schema) =>
      everyAttribute(schema.attributes as unknown as SchemaAttribute[])
        .filter(({ attribute }) => attribute.type === 'reference')
        .map(({ path, attribute }) => [`${schema.id}:${path}`, attribute.referenceTypes]),
    );
    expect(references.length).toBeGreaterThan(0);
    expect(references.filter(([, types]) => types === undefined || types.length === 0)).toEqual([]);
    expect(Object.fromEntries(references)).toMatchObject({
      'urn:ietf:params:scim:schemas:core:2.0:User:photos.value': ['external'],
      'urn:ietf:params:scim:schemas:core:2.0:User:profileUrl': ['external'],
      'urn:ietf:params:scim:schemas:core:2.0:User:groups.$ref': ['Group'],
      'urn:ietf:params:scim:schemas:core:2.0:Group:members.$ref': ['User'],
    });
  });

  it('refuses a definition that breaks §7, so the checks above can fail', () => {
    const [user] = served;
    const broken = {
      ...user,
      attributes: [
        {
          name: 'photo',
          type: 'reference',
          multiValued: false,
          required: false,
          mutability: 'readWrite',
          returned: 'default',
          uniqueness: 'none',
        },
      ],
    };
    expect(schemaResourceDefinition(resourceTypeNames).safeParse(broken).success).toBe(false);
  });
});
