import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { E2eState, getE2eState, markStopping } from './e2e-state';
import { dropDatabase } from './local-postgres';

const EXIT_TIMEOUT_MS = 15_000;

export default async function globalTeardown(): Promise<void> {
  const current = getE2eState();
  if (!current) return;
  await cleanUp(current.state, current.child);
}

/** Stops the API, then removes the database (or embedded data directory) it used. */
export async function cleanUp(state: E2eState, child: ChildProcess): Promise<void> {
  markStopping();
  await stop(child);
  if (state.databaseName) await dropDatabase(state.databaseName);
  if (state.dataDir) await rm(state.dataDir, { recursive: true, force: true });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    console.warn(`web-e2e: the API ignored SIGTERM for ${EXIT_TIMEOUT_MS / 1000} s; killing it`);
    child.kill('SIGKILL');
  }, EXIT_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
