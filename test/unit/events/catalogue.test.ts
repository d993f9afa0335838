import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, eventSchemas } from '../../../shared/events/catalogue.ts';
import { eventJsonSchemas } from '../../../shared/events/json-schema.ts';

describe('event catalogue', () => {
  it('has the ten events of the issue', () => {
    expect(EVENT_TYPES).toEqual([
      'user.created',
      'user.updated',
      'user.deactivated',
      'user.reactivated',
      'user.deleted',
      'group.created',
      'group.updated',
      'group.deleted',
      'group.member.added',
      'group.member.removed',
    ]);
  });

  it('matches the committed docs/events.schema.json (run `npm run events:schema` after a change)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../../docs/events.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(eventJsonSchemas())));
  });

  it('documents every event with an example in docs/events.md that its schema accepts', () => {
    const doc = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8');
    for (const type of EVENT_TYPES) {
      const heading = doc.indexOf(`### \`${type}\``);
      expect(heading, `no section for ${type}`).toBeGreaterThanOrEqual(0);
      const json = /```json\n([\s\S]*?)```/.exec(doc.slice(heading))?.[1] ?? '';
      expect(() => eventSchemas[type].parse(JSON.parse(json)), `example of ${type}`).not.toThrow();
    }
  });

  it('refuses events that break the contract', () => {
    const base = {
      type: 'user.deactivated',
      eventId: '0'.repeat(32),
      directoryId: 'default',
      occurredAt: '2026-01-01T00:00:00.000Z',
      sequence: 2,
      actor: { kind: 'token', id: 't' },
      user: { id: 'u', userName: 'u@example.com', active: false },
    };
    expect(eventSchemas['user.deactivated'].parse(base)).toEqual(base);
    expect(() => eventSchemas['user.deactivated'].parse({ ...base, sequence: 0 })).toThrow();
    expect(() => eventSchemas['user.deactivated'].parse({ ...base, eventId: 'x' })).toThrow();
    expect(() =>
      eventSchemas['user.updated'].parse({ ...base, type: 'user.updated', changedAttributes: [] }),
    ).toThrow();
  });
});
