/*
 * Fault tests against the built API: each file starts its own PostgreSQL (and Redis), API
 * processes and clients, kills and restarts them. Files run one after another; a file's
 * scenarios share one timeline (the long-offline client stays away while the others run).
 */
export default {
  displayName: 'reliability',
  preset: '../../jest.e2e.preset.js',
  testTimeout: 120_000,
  coverageDirectory: '../../coverage/reliability',
};
