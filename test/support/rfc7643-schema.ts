import { z } from 'zod';

/**
 * RFC 7643 §7 ("Schema Definition"), as a validator: what a schema-driven client (the Python
 * scim2-client, for one) reads from /Schemas before it does anything else. §2.3 lists the types
 * (binary included, §2.3.6); §2.3.7 the reference types: a resource type name, "external" or "uri".
 */
const TYPES = [
  'string',
  'boolean',
  'decimal',
  'integer',
  'dateTime',
  'binary',
  'reference',
  'complex',
] as const;

export interface SchemaAttribute {
  name: string;
  type: (typeof TYPES)[number];
  multiValued: boolean;
  description?: string | undefined;
  required: boolean;
  canonicalValues?: string[] | undefined;
  caseExact?: boolean | undefined;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  referenceTypes?: string[] | undefined;
  subAttributes?: SchemaAttribute[] | undefined;
}

/** An attribute definition; `resourceTypes` are the names a reference may point to besides external and uri. */
export function attributeDefinition(resourceTypes: readonly string[]): z.ZodType<SchemaAttribute> {
  const referenceType = z.union([
    z.enum(['external', 'uri']),
    z.enum(resourceTypes as [string, ...string[]]),
  ]);
  const attribute: z.ZodType<SchemaAttribute> = z.lazy(() =>
    z
      .strictObject({
        // §2.1: ATTRNAME = ALPHA *(nameChar), nameChar = "$" / "-" / "_" / DIGIT / ALPHA ($ref).
        name: z.string().regex(/^(\$ref|[A-Za-z][A-Za-z0-9_-]*)$/),
        type: z.enum(TYPES),
        multiValued: z.boolean(),
        description: z.string().min(1).optional(),
        required: z.boolean(),
        canonicalValues: z.array(z.string()).min(1).optional(),
        caseExact: z.boolean().optional(),
        mutability: z.enum(['readOnly', 'readWrite', 'immutable', 'writeOnly']),
        returned: z.enum(['always', 'never', 'default', 'request']),
        uniqueness: z.enum(['none', 'server', 'global']),
        referenceTypes: z.array(referenceType).min(1).optional(),
        subAttributes: z.array(attribute).min(1).optional(),
      })
      .superRefine((definition, ctx) => {
        // "referenceTypes ... Only applicable for attributes that are of type reference": a
        // reference without them tells a client nothing it can check, and clients refuse it.
        if ((definition.type === 'reference') !== (definition.referenceTypes !== undefined))
          ctx.addIssue({ code: 'custom', message: 'referenceTypes is for, and required by, type reference' });
        // "subAttributes ... if the attribute's type is complex".
        if ((definition.type === 'complex') !== (definition.subAttributes !== undefined))
          ctx.addIssue({ code: 'custom', message: 'subAttributes is for, and required by, type complex' });
        // RFC 7643 §2.4: a complex attribute's sub-attributes are simple.
        if (definition.subAttributes?.some((sub) => sub.type === 'complex'))
          ctx.addIssue({ code: 'custom', message: 'a complex attribute has a complex sub-attribute' });
        const names = (definition.subAttributes ?? []).map((sub) => sub.name.toLowerCase());
        if (new Set(names).size !== names.length)
          ctx.addIssue({ code: 'custom', message: 'sub-attribute names repeat' });
      }),
  );
  return attribute;
}

/** A Schema resource as /Schemas serves it (RFC 7643 §7 and §8.7.1). */
export function schemaResourceDefinition(resourceTypes: readonly string[]) {
  return z
    .object({
      schemas: z.tuple([z.literal('urn:ietf:params:scim:schemas:core:2.0:Schema')]),
      id: z.string().regex(/^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i),
      name: z.string().min(1),
      description: z.string().min(1),
      attributes: z.array(attributeDefinition(resourceTypes)).min(1),
      meta: z.object({ resourceType: z.literal('Schema'), location: z.url() }),
    })
    .superRefine((schema, ctx) => {
      const names = schema.attributes.map((attribute) => attribute.name.toLowerCase());
      if (new Set(names).size !== names.length)
        ctx.addIssue({ code: 'custom', message: 'attribute names repeat' });
    });
}

/** Every attribute and sub-attribute with its dotted path, for messages and counts. */
export function everyAttribute(
  attributes: readonly SchemaAttribute[],
  parent = '',
): { path: string; attribute: SchemaAttribute }[] {
  return attributes.flatMap((attribute) => {
    const path = parent ? `${parent}.${attribute.name}` : attribute.name;
    return [{ path, attribute }, ...everyAttribute(attribute.subAttributes ?? [], path)];
  });
}
