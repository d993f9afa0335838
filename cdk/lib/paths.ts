import { fileURLToPath } from 'node:url';

/**
 * The repository root, found from this file rather than the working directory, so that
 * `cdk synth` and the tests resolve function entries and the lock file from anywhere.
 */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
