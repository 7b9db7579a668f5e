/* One API process serves the whole run, so test files run one after another. */
export default {
  displayName: 'api-e2e',
  preset: '../../jest.e2e.preset.js',
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/src/support/test-setup.ts'],
  testTimeout: 30_000,
  coverageDirectory: '../../coverage/api-e2e',
};
