import './workspace-paths';
import { keepRun, startTestApi, WORKSPACE_ROOT } from '@chat/test-harness';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_BASE_URL } from './e2e-state';

const WEB_INDEX = join(WORKSPACE_ROOT, 'dist/apps/web/browser/index.html');

/** Starts the production build of the API, serving the built web app, on a fresh database. */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(WEB_INDEX)) {
    throw new Error(`${WEB_INDEX} is missing: build it first (npx nx build web)`);
  }
  // 48 characters; one process needs no Redis (startTestApi leaves REDIS_URL unset).
  const run = await startTestApi({
    name: 'web-e2e',
    env: { JWT_SECRET: randomBytes(36).toString('base64url') },
  });
  keepRun('web-e2e', run);
  run.api.onUnexpectedExit = (description) => console.error(`\nweb-e2e: mid-run, ${description}`);

  process.env[E2E_BASE_URL] = run.api.baseUrl;
  console.log(
    `\nweb-e2e: app on ${run.api.baseUrl}, ${
      run.database ? `database ${run.database.name}` : 'its embedded PostgreSQL'
    }, log ${run.api.logFile}`,
  );
}
