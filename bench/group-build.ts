/**
 * `npx tsx bench/group-build.ts`: a 100,000-member group built over HTTP the way Entra ID pushes
 * one, through PATCHes adding 100 members each, on the local runtime and DynamoDB Local. Results
 * in bench/results/group-build.md: time per PATCH along the way (does it grow with the group?),
 * the total, and `GET /Groups/{id}?excludedAttributes=members` at 10 and at 100,000 members.
 * The users are seeded straight into the table in the store's own item format.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { localClientConfig, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { startLocalRuntime } from '../local/runtime.ts';
import { documentClient } from '../shared/adapters/dynamodb/client.ts';
import type { StoredUser } from '../shared/ports/user-store.ts';
import { seedUsers } from '../test/support/seed-users.ts';

const MEMBERS = Number(process.env.BENCH_GROUP_MEMBERS ?? 100_000);
const PER_PATCH = 100;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const started = performance.now();
const log = (message: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${message}`);

const dynamo = await startDynamoDbLocal();
const runtime = await startLocalRuntime({
  dynamoEndpoint: dynamo.endpoint,
  tableName: 'bench-group-build',
  port: 0,
  events: false,
  rateLimitPerSecond: 100_000,
});
const headers = { Authorization: `Bearer ${runtime.token}`, 'Content-Type': 'application/scim+json' };
const call = async (method: string, path: string, body?: unknown) => {
  const t = performance.now();
  const response = await fetch(`${runtime.baseUrl}${path}`, {
    method,
    headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, ms: performance.now() - t };
};
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;

let report = '';
try {
  const client = documentClient(localClientConfig(dynamo.endpoint));
  const ids = Array.from({ length: MEMBERS }, () => randomUUID());
  const now = new Date().toISOString();
  const seedStarted = performance.now();
  for (let i = 0; i < ids.length; i += 2_000) {
    const users: StoredUser[] = ids.slice(i, i + 2_000).map((id, k) => ({
      id,
      resource: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `u${i + k}@bench.example`,
      },
      version: 1,
      created: now,
      lastModified: now,
    }));
    await seedUsers(client, 'bench-group-build', runtime.directoryId, users);
  }
  log(`seeded ${MEMBERS} users in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);

  const group = await call('POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'All employees',
    members: [],
  });
  const groupId = String(group.body.id);
  const getWithout = async () => {
    const samples: number[] = [];
    for (let i = 0; i < 20; i++)
      samples.push((await call('GET', `/Groups/${groupId}?excludedAttributes=members`)).ms);
    return percentile(samples, 50);
  };

  const patchMs: number[] = [];
  let getAt10 = 0;
  const buildStarted = performance.now();
  for (let i = 0; i < ids.length; i += PER_PATCH) {
    const reply = await call('PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Add', path: 'members', value: ids.slice(i, i + PER_PATCH).map((value) => ({ value })) },
      ],
    });
    if (reply.status !== 204)
      throw new Error(`PATCH ${i / PER_PATCH + 1} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    patchMs.push(reply.ms);
    if (i === 0) getAt10 = await getWithout();
    if ((i / PER_PATCH + 1) % 100 === 0)
      log(`${i + PER_PATCH} members, last PATCH ${reply.ms.toFixed(0)} ms`);
  }
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const getAtFull = await getWithout();
  const count = await call(
    'GET',
    `/Users?filter=${encodeURIComponent(`groups.value eq "${groupId}"`)}&count=1&excludedAttributes=groups`,
  );
  const full = await call('GET', `/Groups/${groupId}`);
  const tenth = patchMs.slice(0, patchMs.length / 10);
  const last = patchMs.slice(-patchMs.length / 10);

  report = `# Building a ${MEMBERS.toLocaleString('en')}-member group through PATCHes

\`npx tsx bench/group-build.ts\` on ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString()}.
Over HTTP on the local runtime and DynamoDB Local (milliseconds are Local's, see groups.md for
calls and capacity, which do not depend on the group's size: 617 WCU priced per PATCH of 100).

| what | figure |
|---|---|
| PATCHes of ${PER_PATCH} members (Entra's \`Add\` with a value list), each answered 204 | ${patchMs.length} |
| whole build | ${buildSeconds.toFixed(0)} s |
| PATCH p50 / p99 | ${percentile(patchMs, 50).toFixed(0)} / ${percentile(patchMs, 99).toFixed(0)} ms |
| PATCH p50, first tenth of the build / last tenth | ${percentile(tenth, 50).toFixed(0)} / ${percentile(last, 50).toFixed(0)} ms |
| \`GET /Groups/{id}?excludedAttributes=members\` p50 at ${PER_PATCH} members / at ${MEMBERS.toLocaleString('en')} | ${getAt10.toFixed(1)} / ${getAtFull.toFixed(1)} ms |
| \`GET /Users?filter=groups.value eq "{id}"\` totalResults | ${count.body.totalResults} |
| \`GET /Groups/{id}\` (members included) at ${MEMBERS.toLocaleString('en')} | ${full.status} ${full.body.scimType ?? ''}: ${String(full.body.detail ?? '').slice(0, 160)}… |

Estimated capacity of the whole build on DynamoDB: ${patchMs.length} × 617 WCU ≈ ${(patchMs.length * 617).toLocaleString('en')} WCU
(≈ $${((patchMs.length * 617 * 0.625) / 1_000_000).toFixed(2)} at $0.625 per million write request units), plus ${patchMs.length} × 100.5 RCU.
`;
  log(`built in ${buildSeconds.toFixed(0)} s`);
} finally {
  await runtime.close();
  await dynamo.stop();
}
await writeFile(new URL('./results/group-build.md', import.meta.url), report);
