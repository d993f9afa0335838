import { afterEach, describe, expect, it } from 'vitest';
import webhook from '../../../functions/connectors/webhook/connector.ts';
import {
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  sign,
  signatureHeaders,
  TIMESTAMP_HEADER,
  verify,
} from '../../../functions/connectors/webhook/signature.ts';
import { startWebhookFake, type WebhookFake } from '../../../local/fakes/webhook.ts';
import { runHandler, userEvent } from '../../support/connector-harness.ts';

let fake: WebhookFake;
afterEach(() => fake?.close());

const ADA = 'ada.lovelace@example.com';

describe('webhook connector, against a receiver that verifies signatures', () => {
  it('POSTs the signed event; the receiver verifies it and its reference becomes the evidence', async () => {
    fake = await startWebhookFake();
    const event = userEvent('user.deactivated');
    const outcome = await runHandler(webhook, event, fake.connectorConfig());
    expect(outcome).toMatchObject({
      status: 'revoked',
      detail: `Intranet accepted user.deactivated for ${ADA} (200)`,
      vendorReference: 'offboarding-1',
    });
    expect(fake.received).toEqual([
      expect.objectContaining({ eventId: event.eventId, type: 'user.deactivated' }),
    ]);
    expect(fake.received[0]?.user).toMatchObject({ userName: ADA, active: false });
    const [request] = fake.requests;
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers[EVENT_ID_HEADER]).toBe(event.eventId);
    expect(JSON.parse(request?.body ?? '')).toEqual(event);
  });

  it('says what the receiver answered its offboarding closed, the access paths it knows, else nothing', async () => {
    fake = await startWebhookFake({ closes: ['sessions', 'login', 'vpn'] });
    const told = await runHandler(webhook, userEvent('user.deactivated'), fake.connectorConfig());
    expect(told.closes).toEqual(['login', 'sessions']);
    expect(
      (await runHandler(webhook, userEvent('user.reactivated'), fake.connectorConfig())).closes,
    ).toBeUndefined();
    await fake.close();
    fake = await startWebhookFake();
    const silent = await runHandler(webhook, userEvent('user.deactivated'), fake.connectorConfig());
    expect(silent.status).toBe('revoked');
    expect(silent.closes).toBeUndefined();
  });

  it('says not_found when the receiver has no account (404) or had one (410)', async () => {
    fake = await startWebhookFake({ unknownUsers: [ADA], goneUsers: ['grace@example.com'] });
    const unknown = await runHandler(webhook, userEvent('user.deleted'), fake.connectorConfig());
    expect(unknown).toMatchObject({
      status: 'not_found',
      detail: `Intranet has no account for ${ADA} (404)`,
    });
    const gone = await runHandler(
      webhook,
      userEvent('user.deleted', { userName: 'grace@example.com' }),
      fake.connectorConfig(),
    );
    expect(gone.status).toBe('not_found');
  });

  it('retries a 429 and a 5xx; the receiver processes the event once', async () => {
    fake = await startWebhookFake();
    fake.failNext(1, { status: 429, retryAfter: 0 });
    fake.failNext(1, { status: 502 });
    const outcome = await runHandler(webhook, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('revoked');
    expect(fake.requests).toHaveLength(3);
    expect(fake.received).toHaveLength(1);
  });

  it('a redelivered event is acknowledged without being processed twice', async () => {
    fake = await startWebhookFake();
    const event = userEvent('user.deactivated');
    await runHandler(webhook, event, fake.connectorConfig());
    const again = await runHandler(webhook, event, fake.connectorConfig());
    expect(again.status).toBe('revoked');
    expect(fake.received).toHaveLength(1);
    expect(fake.duplicates).toBe(1);
  });

  it('fails permanently when the receiver refuses the signature (a secret out of step)', async () => {
    fake = await startWebhookFake();
    const outcome = await runHandler(webhook, userEvent('user.deactivated'), {
      ...fake.connectorConfig(),
      secrets: { signingSecret: 'x'.repeat(64) },
    });
    expect(outcome).toMatchObject({ status: 'failed_permanent' });
    expect(outcome.detail).toContain('Intranet refused the credentials (401)');
    expect(fake.rejected).toEqual(['bad_signature']);
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps verifying during a secret rotation: signs with the new and the previous secret', async () => {
    fake = await startWebhookFake();
    const outcome = await runHandler(webhook, userEvent('user.deactivated'), {
      ...fake.connectorConfig(),
      secrets: { signingSecret: 'n'.repeat(64), previousSigningSecret: fake.signingSecret },
    });
    expect(outcome.status).toBe('revoked');
    expect(String(fake.requests[0]?.headers[SIGNATURE_HEADER]).split(',')).toHaveLength(2);
  });

  it('tells the receiver about a returner, and reports it restored', async () => {
    fake = await startWebhookFake();
    const outcome = await runHandler(webhook, userEvent('user.reactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('restored');
    expect(fake.received[0]).toMatchObject({ type: 'user.reactivated', user: { active: true } });
  });

  it('refuses a plain-http URL to anywhere but this machine', () => {
    expect(() => webhook.settings.parse({ url: 'http://hooks.example.com/leavers' })).toThrow(
      /must be https/,
    );
    expect(webhook.settings.parse({ url: 'https://hooks.example.com/leavers' })).toMatchObject({
      application: 'Webhook',
    });
  });
});

describe('webhook signature verification', () => {
  const secret = 's'.repeat(64);
  const body = '{"eventId":"e1","type":"user.deactivated"}';
  const at = 1_767_225_600;
  const now = at * 1000;
  const headers = signatureHeaders([secret], body, 'e1', at);

  it('accepts the signed body and returns the timestamp and event id', () => {
    expect(headers[SIGNATURE_HEADER]).toBe(`v1=${sign(secret, at, body)}`);
    expect(verify(secret, headers, body, { now })).toEqual({ ok: true, timestamp: at, eventId: 'e1' });
    expect(verify([secret], new Headers(headers), body, { now: now + 299_000 }).ok).toBe(true);
  });

  it('rejects a changed body, another secret, a stale or future timestamp, and missing headers', () => {
    expect(verify(secret, headers, body.replace('e1', 'e2'), { now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verify('t'.repeat(64), headers, body, { now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify(secret, headers, body, { now: now + 301_000 })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verify(secret, headers, body, { now: now - 301_000 })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verify(secret, { [TIMESTAMP_HEADER]: String(at) }, body, { now })).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    expect(verify(secret, { ...headers, [SIGNATURE_HEADER]: 'v1=zz' }, body, { now }).ok).toBe(false);
  });

  it('rejects a replayed signature moved to a new timestamp', () => {
    const replay = { ...headers, [TIMESTAMP_HEADER]: String(at + 60) };
    expect(verify(secret, replay, body, { now: now + 60_000 })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });
});
