/** Environment variables through which global setup hands the running API to the tests. */
export const E2E_ENV = {
  baseUrl: 'E2E_API_URL',
  jwtSecret: 'E2E_JWT_SECRET',
} as const;

/** Limits the API is started with, so the rate-limit tests know where the edge is. */
export const E2E_LIMITS = {
  failedLogins: 10,
  /** Every test registers its own users, all from 127.0.0.1. */
  registrationsPerAddress: 100_000,
  messageRate: 10,
  messageBurst: 60,
  presenceGraceMs: 300,
} as const;
