/**
 * The answer header that tells `npm run scim-check` its token is a conformance credential (minted
 * with `npm run admin -- token mint <directory> --conformance`), so that the users it creates are
 * test users that no connector acts on and the evidence never lists. Sent only to that credential,
 * which learns nothing it did not know; scim-check refuses to run without it.
 */
export const CONFORMANCE_CREDENTIAL_HEADER = 'X-Scim-Conformance-Credential';
