/*
 * Two browsers against one API process built for production: test files run one after
 * another, with room for a slow Chromium on a small machine.
 */
export default {
  displayName: 'web-e2e',
  preset: '../../jest.e2e.preset.js',
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  testTimeout: 60_000,
  coverageDirectory: '../../coverage/web-e2e',
};
