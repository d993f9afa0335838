/** Every IdP's conformance sequences, in the order `--idp all` runs them. */
import type { IdpConformance } from '../sequence.ts';
import { entra } from './entra.ts';
import { google } from './google.ts';
import { jumpcloud } from './jumpcloud.ts';
import { okta } from './okta.ts';
import { onelogin } from './onelogin.ts';

export const idps: readonly IdpConformance[] = [entra, okta, onelogin, jumpcloud, google];
