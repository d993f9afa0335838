import { describe, expect, it, vi } from 'vitest';
import { Authenticator } from '../../../shared/auth/authenticator.ts';
import type { DirectoryRecord, OAuthSettings } from '../../../shared/ports/directory-store.ts';
import type { Actor } from '../../../shared/ports/user-store.ts';

const oauth: OAuthSettings = {
  issuer: 'https://issuer.example',
  audience: ['scim'],
  jwksUri: 'https://issuer.example/keys',
  algorithms: ['RS256'],
};
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
const tokenActor: Actor = { kind: 'token', id: 'abc123def456', label: 'static' };

function setup(directory: DirectoryRecord | undefined) {
  const tokens = {
    authenticate: vi.fn(async (_d: string, token: string) =>
      token === 'good' || token === JWT ? tokenActor : undefined,
    ),
  };
  const directories = { get: vi.fn(async () => directory) };
  const verifyJwt = vi.fn(async () => ({
    outcome: 'ok' as const,
    actor: { kind: 'jwt' as const, id: 'client' },
  }));
  return { tokens, directories, verifyJwt, auth: new Authenticator({ tokens, directories, verifyJwt }) };
}

describe('Authenticator', () => {
  it('checks a static token against the directory of the request', async () => {
    const { auth, tokens, directories } = setup({ id: 'a', displayName: 'A', created: '' });
    expect(await auth.authenticate('a', 'good', new Date())).toEqual({ outcome: 'ok', actor: tokenActor });
    expect(tokens.authenticate).toHaveBeenCalledWith('a', 'good', expect.any(Date));
    expect(directories.get).toHaveBeenCalledWith('a');
    expect(await auth.authenticate('a', 'bad', new Date())).toEqual({
      outcome: 'unauthorized',
      reason: 'UnknownToken',
    });
  });

  it('refuses every credential of a directory without a record or being deleted', async () => {
    const missing = setup(undefined);
    expect(await missing.auth.authenticate('a', 'good', new Date())).toEqual({
      outcome: 'unauthorized',
      reason: 'UnknownDirectory',
    });
    const deleting = { id: 'a', displayName: 'A', created: '', deletingSince: '2026-12-08T00:00:00.000Z' };
    for (const directory of [deleting, { ...deleting, oauth }]) {
      const { auth, verifyJwt } = setup(directory);
      for (const bearer of ['good', JWT])
        expect(await auth.authenticate('a', bearer, new Date())).toEqual({
          outcome: 'unauthorized',
          reason: 'DirectoryDeleting',
        });
      expect(verifyJwt).not.toHaveBeenCalled();
    }
  });

  it("verifies a JWT with the directory's OAuth settings, never as a static token", async () => {
    const { auth, tokens, verifyJwt } = setup({ id: 'a', displayName: 'A', created: '', oauth });
    expect((await auth.authenticate('a', JWT, new Date())).outcome).toBe('ok');
    expect(verifyJwt).toHaveBeenCalledWith(oauth, JWT);
    expect(tokens.authenticate).not.toHaveBeenCalled();
  });

  it('treats a JWT-shaped bearer as a static token on a directory without OAuth', async () => {
    const { auth, verifyJwt } = setup({ id: 'a', displayName: 'A', created: '' });
    expect((await auth.authenticate('a', JWT, new Date())).outcome).toBe('ok');
    expect(verifyJwt).not.toHaveBeenCalled();
  });
});
