/**
 * The catalogue as JSON Schema (draft 2020-12), for consumers in other languages and for schema
 * registries. Generated from the zod schemas, so it cannot disagree with what the relay emits.
 */
import { z } from 'zod';
import { EVENT_SOURCE, EVENT_TYPES, eventSchemas } from './catalogue.ts';

/**
 * One JSON Schema per event type, keyed by type, plus the EventBridge source they are published under.
 *
 * @example
 * eventJsonSchemas().events['user.deactivated'].properties.type; // { type: 'string', const: 'user.deactivated' }
 */
export function eventJsonSchemas(): { source: string; events: Record<string, unknown> } {
  return {
    source: EVENT_SOURCE,
    events: Object.fromEntries(
      EVENT_TYPES.map((type) => [type, z.toJSONSchema(eventSchemas[type], { target: 'draft-2020-12' })]),
    ),
  };
}
