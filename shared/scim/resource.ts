/**
 * A SCIM resource as JSON: canonical attribute names (as the schema spells them), extension
 * attributes under their schema URN key. The core treats values structurally; the schema model
 * decides what they mean.
 */
export type ScimValue = string | number | boolean | null | ScimValue[] | { [key: string]: ScimValue };
export type ScimObject = { [key: string]: ScimValue };

export interface ScimResource extends ScimObject {
  schemas: string[];
}

export function isScimObject(value: unknown): value is ScimObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
