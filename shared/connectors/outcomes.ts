/**
 * Turning a vendor's answer into an outcome the evidence can show. Every connector reads its own
 * success statuses; what every failure means is the same everywhere and lives here: 401/403 are
 * configuration (permanent until someone fixes the credentials), 408/429/5xx are transient, any
 * other 4xx is a refusal a retry will not change.
 */
import type { ApplicationState } from '../ports/revocation-ledger.ts';
import type { Outcome, VendorResponse } from './connector.ts';
import { retryAfterMs } from './vendor-http.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * The vendor's own words about an error, from the body shapes vendors use: `message` (GitHub,
 * Zoom), `error` + `description`/`error_description` (Zendesk, OAuth), `errors[]` with
 * `title`/`detail`/`message` (Atlassian, GitHub validation), `[{ message, errorCode }]` (Salesforce).
 *
 * @example
 * vendorMessage([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
 * // 'INVALID_SESSION_ID: Session expired or invalid'
 */
export function vendorMessage(body: unknown): string | undefined {
  if (Array.isArray(body)) {
    const messages = body.map(vendorMessage).filter((message): message is string => message !== undefined);
    return messages.length > 0 ? messages.join('; ') : undefined;
  }
  if (!isObject(body)) return text(body);
  const code = text(body.errorCode) ?? (typeof body.code === 'number' ? String(body.code) : text(body.code));
  const message =
    text(body.message) ??
    text(body.detail) ??
    text(body.error_description) ??
    text(body.description) ??
    text(body.reason) ??
    text(body.title) ??
    (Array.isArray(body.errors) ? vendorMessage(body.errors) : undefined) ??
    (isObject(body.error) ? vendorMessage(body.error) : undefined);
  const error = text(body.error);
  if (message && code) return `${code}: ${message}`;
  if (message && error) return `${error}: ${message}`;
  return message ?? error ?? code;
}

/**
 * The outcome of an answer that is not the one the handler acts on.
 *
 * @example
 * failureOutcome('Zoom', response, 'deactivate ada@example.com');
 * // { status: 'failed_permanent', detail: 'Zoom refused the credentials (401) to deactivate ada@example.com: …' }
 */
export function failureOutcome(application: string, response: VendorResponse, action: string): Outcome {
  const { status } = response;
  const said = vendorMessage(response.body);
  const suffix = said ? `: ${said}` : '';
  const reference = response.requestId ? { vendorReference: response.requestId } : {};
  if (status === 401) {
    return {
      status: 'failed_permanent',
      detail: `${application} refused the credentials (401) to ${action}${suffix}. Check the connector's secret.`,
      ...reference,
    };
  }
  if (status === 403) {
    return {
      status: 'failed_permanent',
      detail: `${application} denied permission (403) to ${action}${suffix}. Check the credential's scopes or role.`,
      ...reference,
    };
  }
  if (status === 408 || status === 429 || status >= 500) {
    const wait = retryAfterMs(response.headers);
    const later = wait !== undefined ? ` (asked to retry after ${Math.ceil(wait / 1000)} s)` : '';
    return {
      status: 'failed_retryable',
      detail: `${application} answered ${status} to ${action}${later}${suffix}`,
      ...(wait !== undefined ? { retryAfterSeconds: Math.ceil(wait / 1000) } : {}),
      ...reference,
    };
  }
  return {
    status: 'failed_permanent',
    detail: `${application} refused to ${action} (${status})${suffix}`,
    ...reference,
  };
}

/** 2xx. */
export const succeeded = (response: VendorResponse): boolean =>
  response.status >= 200 && response.status < 300;

/**
 * What a state keeps for a return after an outcome: a revocation's new restore state replaces the
 * old one, a restore uses it up, anything else (a failure, a second revocation that found the
 * account already revoked) leaves it as it was.
 *
 * @example
 * restoreStateAfter({ status: 'revoked', restoreState: { type: '2' } }, undefined); // { type: '2' }
 * restoreStateAfter({ status: 'restored' }, { type: '2' }); // undefined
 */
export function restoreStateAfter(
  outcome: Outcome,
  current: ApplicationState['restoreState'],
): ApplicationState['restoreState'] {
  if (outcome.status === 'restored') return undefined;
  if (outcome.status === 'revoked' && outcome.restoreState) return outcome.restoreState;
  return current;
}
