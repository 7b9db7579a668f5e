import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../database/embedded';

const LOCAL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The specs need a PostgreSQL server: the local one when it answers, else an embedded one in
 * a temporary folder. Each spec file then makes its own database on it (TestApp, test-app.ts).
 */
export default async function globalSetup(): Promise<void> {
  // Request lines (pino-http) would flood the specs' output; errors still show.
  process.env['LOG_LEVEL'] ??= 'error';
  if (await reachable(LOCAL)) {
    process.env['TEST_POSTGRES_URL'] = LOCAL;
    return;
  }
  const embedded = await startEmbeddedPostgres(mkdtempSync(join(tmpdir(), 'chat-api-spec-')));
  const url = new URL(embedded.url);
  url.pathname = '/postgres';
  process.env['TEST_POSTGRES_URL'] = url.toString();
  (globalThis as { embeddedPostgres?: typeof embedded }).embeddedPostgres = embedded;
}

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
