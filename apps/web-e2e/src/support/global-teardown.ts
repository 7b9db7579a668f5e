import './workspace-paths';
import { cleanUpKeptRun } from '@chat/test-harness';

/** Stops the API, then drops the database (or removes the embedded data folder) it used. */
export default async function globalTeardown(): Promise<void> {
  await cleanUpKeptRun('web-e2e');
}
