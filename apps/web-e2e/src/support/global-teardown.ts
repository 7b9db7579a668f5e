import './workspace-paths';
import { getE2eRun } from './e2e-state';

/** Stops the API, then drops the database (or removes the embedded data folder) it used. */
export default async function globalTeardown(): Promise<void> {
  await getE2eRun()?.cleanUp();
}
