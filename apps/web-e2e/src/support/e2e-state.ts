import type { ChildProcess } from 'node:child_process';

/** The environment variable through which global setup hands the app's address to the tests. */
export const E2E_BASE_URL = 'E2E_WEB_URL';

/** What teardown needs to undo. Setup and teardown run in the same process. */
export interface E2eState {
  databaseName?: string;
  dataDir?: string;
  logFile: string;
}

interface GlobalWithState {
  __WEB_E2E_STATE__?: { state: E2eState; child: ChildProcess };
  __WEB_E2E_STOPPING__?: boolean;
}

const shared = globalThis as GlobalWithState;

/** Set by teardown, so an exit it caused is not reported as a crash. */
export function markStopping(): void {
  shared.__WEB_E2E_STOPPING__ = true;
}

export function isStopping(): boolean {
  return shared.__WEB_E2E_STOPPING__ === true;
}

export function setE2eState(state: E2eState, child: ChildProcess): void {
  shared.__WEB_E2E_STATE__ = { state, child };
}

export function getE2eState(): { state: E2eState; child: ChildProcess } | undefined {
  return shared.__WEB_E2E_STATE__;
}

/** The address of the API (which also serves the web app), as global setup started it. */
export function baseUrl(): string {
  const url = process.env[E2E_BASE_URL];
  if (!url) throw new Error(`${E2E_BASE_URL} is not set: run through the web-e2e Jest config`);
  return url;
}
