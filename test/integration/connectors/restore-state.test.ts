/**
 * What a revocation keeps for a return: the runtime stores a revoked outcome's `restoreState` with
 * the ledger state in DynamoDB Local and hands it to the next `user.reactivated` handler, so a
 * connector can give back what the vendor forgot (Zoom's licence type), and a later revocation
 * that found nothing left to revoke does not erase it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import zoom from '../../../functions/connectors/zoom/connector.ts';
import { startZoomFake, type ZoomFake } from '../../../local/fakes/zoom.ts';
import { DynamoRevocationLedger } from '../../../shared/adapters/dynamodb/revocation-ledger.ts';
import { defineConnector, type Outcome } from '../../../shared/connectors/connector.ts';
import { prepareConnector } from '../../../shared/connectors/prepare.ts';
import {
  applyEvent,
  type PreparedConnector,
  type RuntimeDependencies,
} from '../../../shared/connectors/runtime.ts';
import { noGroups } from '../../../shared/connectors/scope.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { userEvent } from '../../support/lifecycle-events.ts';

const table = useDynamoTable();
const first = { receiveCount: 1, maxReceiveCount: 5 };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
let deps: RuntimeDependencies;
let ledger: DynamoRevocationLedger;

/** A vendor that forgets the licence at revocation: the handler answers what the test scripts. */
function licensing(revocations: Outcome[], seen: (Record<string, string> | undefined)[]): PreparedConnector {
  const definition = defineConnector({
    id: 'licensing',
    application: 'Licensing',
    settings: z.object({}),
    secrets: z.object({}),
    handlers: {
      'user.deactivated': async () => revocations.shift() ?? { status: 'revoked' },
      'user.deleted': async () => revocations.shift() ?? { status: 'revoked' },
      'user.reactivated': async (_event, { restoreState }) => {
        seen.push(restoreState ? { ...restoreState } : undefined);
        return { status: 'restored' };
      },
    },
  });
  return prepareConnector({
    definition,
    settings: {},
    scope: 'everyone',
    secrets: async () => ({}),
  }) as PreparedConnector;
}

let zoomFake: ZoomFake;
beforeAll(async () => {
  ledger = new DynamoRevocationLedger(table.document, table.tableName);
  deps = { ledger, groups: noGroups, log: silent, leaseMs: 60_000 };
  zoomFake = await startZoomFake({ users: ['ada@example.com'] });
});
afterAll(() => zoomFake?.close());

describe('restore state', () => {
  it('hands what the revocation kept to the reactivation, through a later no-op revocation, then forgets it', async () => {
    const userId = `user-${Math.random().toString(36).slice(2, 10)}`;
    const seen: (Record<string, string> | undefined)[] = [];
    const connector = licensing(
      [
        { status: 'revoked', restoreState: { licenceType: '2' } },
        { status: 'revoked', detail: 'already' },
      ],
      seen,
    );
    await applyEvent(connector, userEvent('user.deactivated', { userId, sequence: 1 }), first, deps);
    expect((await ledger.application('default', userId, 'licensing'))?.restoreState).toEqual({
      licenceType: '2',
    });
    await applyEvent(connector, userEvent('user.deleted', { userId, sequence: 2 }), first, deps);
    await applyEvent(connector, userEvent('user.reactivated', { userId, sequence: 3 }), first, deps);
    expect(seen).toEqual([{ licenceType: '2' }]);
    expect((await ledger.application('default', userId, 'licensing'))?.restoreState).toBeUndefined();

    await applyEvent(connector, userEvent('user.reactivated', { userId, sequence: 4 }), first, deps);
    expect(seen).toEqual([{ licenceType: '2' }, undefined]);
  });

  it('gives a Zoom returner back the licence Zoom removed when they left', async () => {
    const { settings, secrets } = zoomFake.connectorConfig();
    const connector = prepareConnector({
      definition: zoom,
      settings,
      scope: 'everyone',
      secrets: async () => secrets,
    }) as PreparedConnector;
    const userId = `user-${Math.random().toString(36).slice(2, 10)}`;
    const who = { userId, userName: 'ada@example.com' };
    await applyEvent(connector, userEvent('user.deactivated', { ...who, sequence: 1 }), first, deps);
    expect(zoomFake.byEmail('ada@example.com')).toMatchObject({ status: 'inactive', type: 1 });
    await applyEvent(connector, userEvent('user.deleted', { ...who, sequence: 2 }), first, deps);
    expect(
      await applyEvent(connector, userEvent('user.reactivated', { ...who, sequence: 3 }), first, deps),
    ).toEqual({
      kind: 'done',
      status: 'restored',
    });
    expect(zoomFake.byEmail('ada@example.com')).toMatchObject({ status: 'active', type: 2 });
  });
});
