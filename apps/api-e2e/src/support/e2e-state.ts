import { localPostgresAdminUrl } from '@chat/test-harness';
import type { ClientConfig } from 'pg';

/** Environment variables through which global setup hands the running API to the tests. */
export const E2E_ENV = {
  baseUrl: 'E2E_API_URL',
  jwtSecret: 'E2E_JWT_SECRET',
  /** Set only when the run owns a database on the local PostgreSQL (not the embedded one). */
  databaseName: 'E2E_DATABASE_NAME',
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

/** The PostgreSQL server (trust auth) on which global setup made the run's database. */
export function adminClientConfig(): ClientConfig {
  return { connectionString: localPostgresAdminUrl(), connectionTimeoutMillis: 3_000 };
}
