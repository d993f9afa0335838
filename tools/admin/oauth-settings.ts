import type { OAuthSettings } from '../../shared/ports/directory-store.ts';
import { AdminUsageError } from './target.ts';

/** The `oauth set` / `oauth entra` flags that shape the settings beyond issuer, audience and JWKS. */
export interface OAuthFlags {
  readonly algorithm?: string[];
  readonly scope?: string;
  readonly 'client-id'?: string[];
  readonly 'max-lifetime-hours'?: string;
}

/**
 * A directory's OAuth settings from the CLI's flags, or a usage error: issuer and JWKS must be
 * https (plain http only on loopback), the maximum JWT lifetime positive. Without
 * `--max-lifetime-hours` the settings hold none and the verifier's default applies, so the
 * default has one definition (`DEFAULT_MAX_JWT_LIFETIME_SECONDS`).
 *
 * @example
 * oauthSettings({ issuer, audience: [aud], jwksUri }, { 'max-lifetime-hours': '2' });
 * // { issuer, audience: [aud], jwksUri, algorithms: ['RS256'], maxLifetimeSeconds: 7200 }
 */
export function oauthSettings(
  base: Pick<OAuthSettings, 'issuer' | 'audience' | 'jwksUri'>,
  flags: OAuthFlags,
): OAuthSettings {
  for (const url of [base.issuer, base.jwksUri])
    if (!/^https:\/\//.test(url) && !/^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(url))
      throw new AdminUsageError(`${url}: issuer and JWKS URI must be https.`);
  const hours = flags['max-lifetime-hours'];
  const maxLifetimeSeconds = hours === undefined ? undefined : Math.round(Number(hours) * 3600);
  if (maxLifetimeSeconds !== undefined && !(maxLifetimeSeconds > 0))
    throw new AdminUsageError('--max-lifetime-hours must be > 0.');
  return {
    ...base,
    algorithms: flags.algorithm ?? ['RS256'],
    ...(flags.scope ? { requiredScope: flags.scope } : {}),
    ...(flags['client-id'] ? { clientIds: flags['client-id'] } : {}),
    ...(maxLifetimeSeconds === undefined ? {} : { maxLifetimeSeconds }),
  };
}
