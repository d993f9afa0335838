/**
 * `npm run scim-check -- --base <SCIM base URL> --token <token> [--idp okta]`: the IdP conformance
 * sequences against a deployed (or local) directory, as a pass/fail table.
 */
import { runScimCheck } from './scim-check/run.ts';

process.exitCode = await runScimCheck(process.argv.slice(2), (line) => console.log(line));
