/**
 * `npm run events:schema`: writes docs/events.schema.json, the JSON Schema of every lifecycle
 * event, from the zod schemas of the catalogue. A test fails when the committed file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { eventJsonSchemas } from '../shared/events/json-schema.ts';

const file = new URL('../docs/events.schema.json', import.meta.url);
await writeFile(file, `${JSON.stringify(eventJsonSchemas(), null, 2)}\n`);
console.log(`Wrote ${file.pathname}`);
