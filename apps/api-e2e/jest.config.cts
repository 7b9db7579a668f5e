/* One API process serves the whole run, so test files run one after another. */
export default {
  displayName: 'api-e2e',
  preset: '../../jest.e2e.preset.js',
  transform: {
    // The preset's ts-jest, less type errors in client-flows.ts: it imports a client generated
    // mid-run, which openapi.spec.ts type-checks with tsc (ts-jest would check it against the
    // client as it was when the run started, or not there at all on a fresh clone).
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: '<rootDir>/tsconfig.spec.json',
        diagnostics: { exclude: ['**/src/openapi/client-flows.ts'] },
      },
    ],
  },
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/src/support/test-setup.ts'],
  testTimeout: 30_000,
  coverageDirectory: '../../coverage/api-e2e',
};
