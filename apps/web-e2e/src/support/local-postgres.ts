import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The PostgreSQL server (trust auth) in which each run creates its own database: the local one,
 * unless E2E_PG_ADMIN_URL names another (the same variable api-e2e reads).
 */
export function adminUrl(): string {
  return process.env['E2E_PG_ADMIN_URL'] || DEFAULT_ADMIN_URL;
}

/** The URL of database `name` on the admin server. */
export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/*
 * Through the psql client rather than the `pg` driver: the module-boundary rule keeps `pg` out
 * of every scope:web project, this one included.
 */
async function psql(sql: string): Promise<void> {
  await run(
    'psql',
    [
      '--no-password',
      '--no-psqlrc',
      '--quiet',
      '--set=ON_ERROR_STOP=1',
      `--dbname=${adminUrl()}`,
      `--command=${sql}`,
    ],
    { env: { ...process.env, PGCONNECT_TIMEOUT: '3' }, timeout: 30_000 },
  );
}

/** Why the admin server cannot be used (psql missing, no answer), or null when it answers. */
export async function adminServerProblem(): Promise<string | null> {
  try {
    await psql('SELECT 1');
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'psql is not installed';
    return `no PostgreSQL answers at ${adminUrl()}`;
  }
}

/** Creates database `name` and returns its URL. */
export async function createDatabase(name: string): Promise<string> {
  await psql(`CREATE DATABASE "${name}"`);
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
