import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../../shared/events/catalogue.ts';
import { eventPatterns } from '../../shared/events/patterns.ts';
import { collectEvents, type EventCollector } from '../support/event-collector.ts';
import { entraUser, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

/**
 * A consumer that keeps, per user, the newest state by sequence and ignores anything older or
 * already seen: the contract docs/events.md gives connectors.
 */
function applyBySequence(
  events: readonly LifecycleEvent[],
): Map<string, { sequence: number; active: boolean }> {
  const state = new Map<string, { sequence: number; active: boolean }>();
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.eventId) || !('user' in event)) continue;
    seen.add(event.eventId);
    const held = state.get(event.user.id);
    if (held && held.sequence >= event.sequence) continue;
    state.set(event.user.id, {
      sequence: event.sequence,
      active: event.type !== 'user.deleted' && event.user.active,
    });
  }
  return state;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 48271) % 2147483647;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe('event ordering', () => {
  let scim: TestScim;
  let leavers: EventCollector;
  let all: EventCollector;
  beforeAll(async () => {
    scim = await startTestScim();
    all = collectEvents(scim.runtime.events);
    leavers = collectEvents(scim.runtime.events, eventPatterns.leavers);
  });
  afterAll(async () => {
    all.stop();
    leavers.stop();
    await scim.close();
  });

  it('deactivate, reactivate, deactivate: a consumer by sequence ends deactivated in any delivery order', async () => {
    const created = await scim.request('POST', '/Users', entraUser('flip@example.com'));
    const id: string = created.body.id;
    for (const value of ['False', 'True', 'False']) {
      const reply = await scim.request('PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'active', value }],
      });
      expect(reply.status).toBe(200);
    }
    const events = await all.waitFor(id, 4);
    expect(events.map((event) => [event.type, event.sequence])).toEqual([
      ['user.created', 1],
      ['user.deactivated', 2],
      ['user.reactivated', 3],
      ['user.deactivated', 4],
    ]);
    // Every order the bus could deliver in, with every event duplicated (at-least-once).
    for (let seed = 1; seed <= 200; seed++) {
      const state = applyBySequence(shuffled([...events, ...events], seed));
      expect(state.get(id)).toEqual({ sequence: 4, active: false });
    }
    // The naive consumer (last delivered wins) is wrong for some orders: the test can tell.
    const lastDelivered = Array.from({ length: 50 }, (_, seed) => shuffled(events, seed + 1).at(-1)?.type);
    expect(lastDelivered).toContain('user.reactivated');
    // The leaver subscription got exactly the two deactivations.
    expect(leavers.of(id).map((event) => event.sequence)).toEqual([2, 4]);
  });
});
