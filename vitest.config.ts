import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most of the suite waits on DynamoDB Local (its own JVM) and local HTTP servers, not on this
    // process's CPU: three test files at a time on two cores finish sooner than one or two.
    maxWorkers: 3,
    env: {
      // The local machine runs Node 20 while Lambda runs Node 22; the SDK's reminder is noise here.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
