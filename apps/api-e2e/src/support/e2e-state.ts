import type { ChildProcess } from 'node:child_process';
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
  messageRate: 10,
  messageBurst: 60,
} as const;

/** What teardown needs to undo. Setup and teardown run in the same process. */
export interface E2eState {
  pid: number;
  databaseName?: string;
  dataDir?: string;
  logFile: string;
}

interface GlobalWithState {
  __API_E2E_STATE__?: { state: E2eState; child: ChildProcess };
  __API_E2E_STOPPING__?: boolean;
}

/** Set by teardown, so an exit it caused is not reported as a crash. */
export function markStopping(): void {
  (globalThis as GlobalWithState).__API_E2E_STOPPING__ = true;
}

export function isStopping(): boolean {
  return (globalThis as GlobalWithState).__API_E2E_STOPPING__ === true;
}

export function setE2eState(state: E2eState, child: ChildProcess): void {
  (globalThis as GlobalWithState).__API_E2E_STATE__ = { state, child };
}

export function getE2eState(): { state: E2eState; child: ChildProcess } | undefined {
  return (globalThis as GlobalWithState).__API_E2E_STATE__;
}

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The PostgreSQL server (trust auth) in which each run creates its own database: the local one,
 * unless E2E_PG_ADMIN_URL names another.
 */
export function adminUrl(): string {
  return process.env['E2E_PG_ADMIN_URL'] || DEFAULT_ADMIN_URL;
}

export function adminClientConfig(): ClientConfig {
  return { connectionString: adminUrl(), connectionTimeoutMillis: 3_000 };
}

/** The URL of database `name` on the admin server. */
export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}
