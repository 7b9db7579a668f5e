/*
 * What the Jest configs of the projects that run the built API (api-e2e, web-e2e,
 * security-e2e, reliability) share: the workspace preset, a Node environment, ts-jest with
 * the project's tsconfig.spec.json, TypeScript and JavaScript files only, and one worker.
 * Each project's config keeps its own displayName, global setup and teardown, setup files,
 * testTimeout and coverageDirectory.
 */
const workspacePreset = require('./jest.preset.js');

const transform = {
  '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
};

module.exports = {
  ...workspacePreset,
  testEnvironment: 'node',
  // Ahead of the workspace preset's pattern, where Jest puts a config's own transform.
  transform: { ...transform, ...workspacePreset.transform },
  moduleFileExtensions: ['ts', 'js'],
  maxWorkers: 1,
};
