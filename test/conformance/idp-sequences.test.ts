/**
 * Every IdP's documented request sequences, replayed over HTTP against the local runtime, each
 * sequence a test. All of them run: the service routes every endpoint they call (checked first,
 * so that no sequence can drop out unnoticed).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { generateToken } from '../../shared/adapters/dynamodb/token-store.ts';
import { SCIM_BASE, scimRoutes } from '../../shared/contracts/routes.ts';
import { describeFailures, runSequence, type ScimTarget, tally } from '../../tools/conformance/runner.ts';
import { endpointsOf } from '../../tools/conformance/sequence.ts';
import { idps } from '../../tools/conformance/sequences/index.ts';
import { startTestScim, type TestScim } from '../support/scim-client.ts';

const served = new Set(scimRoutes.map((route) => `/${route.resource.slice(SCIM_BASE.length).split('/')[1]}`));

it('serves every endpoint the sequences call', ({ expect }) => {
  const called = idps.flatMap((idp) => idp.sequences.flatMap((sequence) => endpointsOf(sequence)));
  expect([...new Set(called)].filter((endpoint) => !served.has(endpoint))).toEqual([]);
});

let scim: TestScim;
beforeAll(async () => {
  scim = await startTestScim();
});
afterAll(async () => scim?.close());

describe.each(idps)('$name', (idp) => {
  // Each sequence in a directory of its own, so that they can run side by side: an import walk
  // sees only its own users, as in a fresh deployment.
  it.concurrent.for(idp.sequences.map((sequence) => [sequence.id, sequence] as const))(
    '%s',
    // Every sequence of an IdP runs at once, on two cores shared with the rest of the suite. An
    // IdP itself waits 60 s per request (Okta), and the sequences are a dozen requests or more.
    { timeout: 90_000 },
    async ([, sequence], { expect }) => {
      const target = await directoryFor(`${idp.id}-${sequence.id}`, idp.name);
      // Time limits (Okta: GET /Groups within 600 ms) get ten times the room: on a shared test
      // machine the load, not the service, sets the latency. scim-check applies them as written.
      const result = await runSequence(sequence, target, { timeScale: 10 });
      expect(describeFailures(result), sequence.title).toEqual([]);
      const counts = tally(result);
      // A directory this small is always walked whole: nothing may go unchecked.
      expect(counts.skip).toBe(0);
      expect(counts.pass).toBeGreaterThan(0);
    },
  );
});

async function directoryFor(directoryId: string, name: string): Promise<ScimTarget> {
  const token = generateToken();
  await scim.runtime.directories.create(directoryId, name);
  await scim.runtime.tokens.register(directoryId, token, { label: name });
  return { baseUrl: `${scim.runtime.url}/${directoryId}/scim/v2`, token };
}
