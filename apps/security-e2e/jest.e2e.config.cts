/*
 * Named jest.e2e.config.cts so that the @nx/jest plugin infers no `test` target: the battery
 * runs only as `e2e`, after the API build. Each spec file starts the built API (dist/apps/api/main.js) on a fresh database of its own,
 * with the limits it probes. Files run one after another; global teardown writes
 * docs/security.md from what every file recorded.
 */
export default {
  displayName: 'security-e2e',
  preset: '../../jest.e2e.preset.js',
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/src/support/test-setup.ts'],
  testTimeout: 60_000,
  coverageDirectory: '../../coverage/security-e2e',
};
