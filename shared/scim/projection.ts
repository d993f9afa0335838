import { isScimObject, type ScimObject, type ScimResource } from './resource.ts';
import type { AttributeDefinition } from './schema/attribute.ts';
import { commonAttributes, type ResourceType, resolveAttributePath } from './schema/resource-type.ts';

/** The `attributes` / `excludedAttributes` query parameters (RFC 7644 §3.4.2.5, §3.9). */
export interface Projection {
  readonly attributes?: readonly string[];
  readonly excludedAttributes?: readonly string[];
}

/** Splits a comma-separated attribute list; an empty or absent list is no projection. */
export function parseAttributeList(value: string | undefined | null): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  return names.length > 0 ? names : undefined;
}

interface Selector {
  readonly extension?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
}

/** Unknown names are ignored rather than refused: an IdP may ask for its own extension attributes. */
function toSelectors(resourceType: ResourceType, names: readonly string[]): Selector[] {
  return names.flatMap((name): Selector[] => {
    const resolved = resolveAttributePath(resourceType, name);
    if (!resolved) return [];
    return [
      {
        ...(resolved.extension ? { extension: resolved.extension } : {}),
        attribute: resolved.attribute.name,
        ...(resolved.subAttribute ? { subAttribute: resolved.subAttribute.name } : {}),
      },
    ];
  });
}

/**
 * Applies the returned characteristics and the client's projection to a stored resource:
 * `returned: never` attributes are never shown, `returned: always` ones (id, schemas) always are,
 * `attributes` keeps only what it names, `excludedAttributes` removes what it names.
 *
 * @example
 * projectResource(userResourceType, user, { attributes: ['userName', 'name.givenName'] })
 * // => { schemas, id, userName, name: { givenName } }
 */
export function projectResource(
  resourceType: ResourceType,
  resource: ScimResource,
  projection: Projection = {},
): ScimResource {
  const visible = withoutNeverReturned(resourceType, resource);
  if (projection.attributes) {
    return keepOnly(resourceType, visible, toSelectors(resourceType, projection.attributes));
  }
  if (projection.excludedAttributes) {
    return removeAll(resourceType, visible, toSelectors(resourceType, projection.excludedAttributes));
  }
  return visible;
}

/**
 * Whether a resource projected this way shows the core attribute `attribute`, so that a value
 * stored apart from the resource (a group's members, a user's groups) is read only when it will
 * be shown.
 *
 * @example
 * includesAttribute(groupResourceType, { excludedAttributes: ['members'] }, 'members') // => false
 * includesAttribute(groupResourceType, { attributes: ['members.value'] }, 'members') // => true
 */
export function includesAttribute(
  resourceType: ResourceType,
  projection: Projection,
  attribute: string,
): boolean {
  const definition = definitionsOf(resourceType, undefined).find(
    (candidate) => candidate.name.toLowerCase() === attribute.toLowerCase(),
  );
  if (!definition || definition.returned === 'never') return false;
  if (definition.returned === 'always') return true;
  const names = (selector: Selector) => !selector.extension && selector.attribute === definition.name;
  if (projection.attributes) return toSelectors(resourceType, projection.attributes).some(names);
  if (projection.excludedAttributes) {
    return !toSelectors(resourceType, projection.excludedAttributes).some(
      (selector) => names(selector) && !selector.subAttribute,
    );
  }
  return definition.returned !== 'request';
}

function definitionsOf(
  resourceType: ResourceType,
  extension: string | undefined,
): readonly AttributeDefinition[] {
  if (!extension) return [...commonAttributes, ...resourceType.schema.attributes];
  return resourceType.extensions.find((e) => e.schema.id === extension)?.schema.attributes ?? [];
}

function isAlwaysReturned(resourceType: ResourceType, selector: Selector): boolean {
  const definition = definitionsOf(resourceType, selector.extension).find(
    (a) => a.name === selector.attribute,
  );
  return definition?.returned === 'always';
}

function withoutNeverReturned(resourceType: ResourceType, resource: ScimResource): ScimResource {
  const out: ScimResource = { ...resource };
  for (const definition of definitionsOf(resourceType, undefined)) {
    if (definition.returned === 'never') delete out[definition.name];
  }
  return out;
}

function container(resource: ScimObject, extension: string | undefined): ScimObject | undefined {
  if (!extension) return resource;
  const value = resource[extension];
  return isScimObject(value) ? value : undefined;
}

function keepOnly(resourceType: ResourceType, resource: ScimResource, selectors: Selector[]): ScimResource {
  const out: ScimResource = { schemas: resource.schemas };
  for (const definition of definitionsOf(resourceType, undefined)) {
    if (definition.returned === 'always' && resource[definition.name] !== undefined) {
      out[definition.name] = resource[definition.name] ?? null;
    }
  }
  for (const selector of selectors) {
    const source = container(resource, selector.extension);
    const value = source?.[selector.attribute];
    if (value === undefined) continue;
    const target = selector.extension ? ((out[selector.extension] as ScimObject | undefined) ?? {}) : out;
    if (selector.extension) out[selector.extension] = target;
    if (!selector.subAttribute) {
      target[selector.attribute] = value;
      continue;
    }
    const sub = selector.subAttribute;
    if (Array.isArray(value)) {
      const existing = target[selector.attribute];
      const previous = Array.isArray(existing) ? existing : value.map(() => ({}));
      target[selector.attribute] = value.map((item, index) => {
        const kept = isScimObject(previous[index]) ? { ...(previous[index] as ScimObject) } : {};
        if (isScimObject(item) && item[sub] !== undefined) kept[sub] = item[sub] ?? null;
        return kept;
      });
    } else if (isScimObject(value) && value[sub] !== undefined) {
      const existing = target[selector.attribute];
      target[selector.attribute] = { ...(isScimObject(existing) ? existing : {}), [sub]: value[sub] ?? null };
    }
  }
  return out;
}

function removeAll(resourceType: ResourceType, resource: ScimResource, selectors: Selector[]): ScimResource {
  const out = structuredClone(resource);
  for (const selector of selectors) {
    if (isAlwaysReturned(resourceType, selector) && !selector.subAttribute) continue;
    const source = container(out, selector.extension);
    if (!source) continue;
    if (!selector.subAttribute) {
      delete source[selector.attribute];
      continue;
    }
    const value = source[selector.attribute];
    const sub = selector.subAttribute;
    if (Array.isArray(value)) for (const item of value) if (isScimObject(item)) delete item[sub];
    if (isScimObject(value)) delete value[sub];
  }
  return out;
}
