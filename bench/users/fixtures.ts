/**
 * Users as Microsoft Entra ID provisions them with its default attribute mappings, so item sizes
 * (and so capacity units) are those of a real directory, not of a toy `{ userName }`.
 */
import type { Actor } from '../../shared/ports/user-store.ts';
import type { ScimRequestContext } from '../../shared/scim/users/user-service.ts';

export const actor: Actor = { kind: 'token', id: 'bench' };

export const contextFor = (directoryId: string): ScimRequestContext => ({
  directoryId,
  actor,
  baseUrl: `https://scim.example.com/${directoryId}/scim/v2`,
});

const GIVEN = ['Ada', 'Alan', 'Barbara', 'Claude', 'Dennis', 'Edsger', 'Frances', 'Grace', 'Hedy', 'Ivan'];
const GIVEN_MORE = [
  'John',
  'Katherine',
  'Linus',
  'Margaret',
  'Niklaus',
  'Ole',
  'Radia',
  'Sophie',
  'Tim',
  'Yukihiro',
];
const FAMILY = [
  'Lovelace',
  'Turing',
  'Liskov',
  'Shannon',
  'Ritchie',
  'Dijkstra',
  'Allen',
  'Hopper',
  'Lamarr',
];
const DEPARTMENTS = ['Engineering', 'Finance', 'Sales', 'Support', 'Legal', 'People', 'Marketing'];

/** The n-th user of a directory: unique userName, externalId and email; 1 in 10 given names starts with A. */
export function userBody(n: number, tag = 'u') {
  const given = [...GIVEN, ...GIVEN_MORE][n % 20] ?? 'Ada';
  const family = FAMILY[Math.floor(n / 20) % FAMILY.length] ?? 'Lovelace';
  const login = `${given}.${family}.${tag}${n}`.toLowerCase();
  return {
    schemas: [
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ],
    externalId: login.replace(/\./g, ''),
    userName: `${login}@contoso.example`,
    active: true,
    displayName: `${given} ${family}`,
    title: 'Senior Engineer',
    preferredLanguage: 'en-GB',
    name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
    emails: [{ type: 'work', primary: true, value: `${login}@contoso.example` }],
    phoneNumbers: [
      { type: 'work', value: `+44 20 7946 ${String(n % 10_000).padStart(4, '0')}` },
      { type: 'mobile', value: `+44 7700 9${String(n % 100_000).padStart(5, '0')}` },
    ],
    addresses: [
      {
        type: 'work',
        formatted: '1 Example Street, London EC1A 1AA, GB',
        streetAddress: '1 Example Street',
        locality: 'London',
        postalCode: 'EC1A 1AA',
        country: 'GB',
      },
    ],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
      employeeNumber: String(100_000 + n),
      department: DEPARTMENTS[n % DEPARTMENTS.length] ?? 'Engineering',
      costCenter: `CC-${n % 50}`,
    },
  };
}

/** A PUT body: the same identifiers (no claim or index change), a new title, as a job change sends. */
export function replaceBody(n: number, tag: string, revision: number) {
  return { ...userBody(n, tag), title: `Staff Engineer ${revision}` };
}

/** Entra's PATCH for an attribute change: one Replace operation with a path, capitalised op. */
export function entraPatch(revision: number) {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'Replace', path: 'displayName', value: `Renamed ${revision}` }],
  };
}

/** A small deterministic generator (mulberry32), so two runs pick the same users. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
