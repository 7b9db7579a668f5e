/*
 * Named jest.e2e.config.cts so that the @nx/jest plugin infers no `test` target: the battery
 * runs only as `e2e`, after the API build. Each spec file starts the built API (dist/apps/api/main.js) on a fresh database of its own,
 * with the limits it probes. Files run one after another; global teardown writes
 * docs/security.md from what every file recorded.
 */
export default {
  displayName: 'security-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/src/support/test-setup.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  maxWorkers: 1,
  testTimeout: 60_000,
  coverageDirectory: '../../coverage/security-e2e',
};
