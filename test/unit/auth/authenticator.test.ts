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
  it('checks a static token against the directory of the request, without reading the directory record', async () => {
    const { auth, tokens, directories } = setup(undefined);
    expect(await auth.authenticate('a', 'good', new Date())).toEqual({ outcome: 'ok', actor: tokenActor });
    expect(tokens.authenticate).toHaveBeenCalledWith('a', 'good', expect.any(Date));
    expect(directories.get).not.toHaveBeenCalled();
    expect(await auth.authenticate('a', 'bad', new Date())).toEqual({
      outcome: 'unauthorized',
      reason: 'UnknownToken',
    });
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
