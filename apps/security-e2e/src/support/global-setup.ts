import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPORT_DIR_ENV } from './report';

export const STARTED_AT_ENV = 'SECURITY_E2E_STARTED_AT';

// Global setup and teardown load outside Jest's resolver: no '@chat/…' path aliases here.
export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');
const API_ENTRY = join(WORKSPACE_ROOT, 'dist/apps/api/main.js');

/** Set when a test name filter (`-t`) runs only part of the files. */
export const PARTIAL_ENV = 'SECURITY_E2E_PARTIAL';

export default async function globalSetup(globalConfig: { testNamePattern?: string }) {
  if (!existsSync(API_ENTRY)) {
    throw new Error(`${API_ENTRY} is missing: build the API first (npx nx build api)`);
  }
  process.env[REPORT_DIR_ENV] = await mkdtemp(join(tmpdir(), 'security-e2e-report-'));
  process.env[STARTED_AT_ENV] = String(Date.now());
  if (globalConfig.testNamePattern) process.env[PARTIAL_ENV] = globalConfig.testNamePattern;
}
