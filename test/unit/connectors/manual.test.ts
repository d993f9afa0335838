import { describe, expect, it } from 'vitest';
import manual from '../../../functions/connectors/manual/connector.ts';
import { renderInstructions } from '../../../functions/connectors/manual/instructions.ts';
import { runHandler, userEvent } from '../../support/connector-harness.ts';

const config = (settings: Record<string, unknown>) => ({
  settings: { application: 'Legacy ERP', ...settings },
  secrets: {},
});

describe('manual task connector', () => {
  it('records a leaver as pending with instructions written for them', async () => {
    const outcome = await runHandler(
      manual,
      userEvent('user.deactivated', { enterprise: { employeeNumber: 'E-042' } }),
      config({
        instructions: 'Disable {{displayName}} ({{email}}, employee {{ employeeNumber }}) in Admin > Users.',
      }),
    );
    expect(outcome).toMatchObject({
      status: 'manual_pending',
      detail: 'Waiting for an operator to confirm the Legacy ERP step for ada.lovelace@example.com',
      instructions: 'Disable Ada Lovelace (ada.lovelace@example.com, employee E-042) in Admin > Users.',
    });
  });

  it('says what a user does not have instead of leaving a hole', async () => {
    const outcome = await runHandler(
      manual,
      userEvent('user.deleted', { displayName: undefined, name: undefined, emails: [], userName: 'ada' }),
      config({ instructions: 'Remove {{displayName}} <{{email}}> (department {{department}})' }),
    );
    expect(outcome.instructions).toBe('Remove ada <(not set)> (department (not set))');
  });

  it('refuses settings with a placeholder that does not exist, naming it', () => {
    expect(() => manual.settings.parse({ application: 'ERP', instructions: 'Disable {{usrName}}' })).toThrow(
      /unknown placeholder \{\{usrName\}\}; known: \{\{userName\}\}/,
    );
    expect(() =>
      manual.settings.parse({
        application: 'ERP',
        instructions: 'ok',
        restoreInstructions: 'Enable {{mail}}',
      }),
    ).toThrow(/\{\{mail\}\}/);
  });

  it('makes a returner a manual task when restore instructions exist, out of scope otherwise', async () => {
    const restore = await runHandler(
      manual,
      userEvent('user.reactivated'),
      config({ instructions: 'Disable {{userName}}', restoreInstructions: 'Enable {{userName}} again' }),
    );
    expect(restore).toMatchObject({
      status: 'manual_pending',
      instructions: 'Enable ada.lovelace@example.com again',
    });
    const none = await runHandler(
      manual,
      userEvent('user.reactivated'),
      config({ instructions: 'Disable {{userName}}' }),
    );
    expect(none).toMatchObject({
      status: 'out_of_scope',
      detail: 'No restore step is configured for Legacy ERP',
    });
  });

  it('leaves text that only looks like a placeholder alone', () => {
    expect(
      renderInstructions('Use {{userName}} not {userName} or {{ }}', {
        id: '1',
        userName: 'ada',
        active: false,
      }),
    ).toBe('Use ada not {userName} or {{ }}');
  });
});
