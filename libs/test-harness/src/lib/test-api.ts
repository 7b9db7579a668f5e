import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiProcess } from './api-process';
import { freePort } from './ports';
import { LocalPostgres, type TestDatabase } from './postgres';

export interface TestApiOptions {
  /** Names the database and the log file. */
  name: string;
  /** Extra environment for the API (limits, REDIS_URL, ...). */
  env?: Record<string, string>;
  /** Reuse a database (a second instance of the same deployment) instead of a fresh one. */
  database?: TestDatabase;
}

export interface TestApiRun {
  api: ApiProcess;
  /** The fresh database on the local server, or null when the API runs its embedded one. */
  database: TestDatabase | null;
  jwtSecret: string;
  /** Stops the API and removes what the run made. */
  cleanUp(): Promise<void>;
}

/**
 * The built API on a fresh database of its own: on the local PostgreSQL when it answers,
 * otherwise the API's embedded PostgreSQL in a temporary data folder.
 */
export async function startTestApi(options: TestApiOptions): Promise<TestApiRun> {
  const server = await LocalPostgres.connect();
  const database = options.database ?? (server ? await server.createDatabase(options.name) : null);
  const dataDir = database ? null : await embeddedDataDir();
  const jwtSecret = options.env?.['JWT_SECRET'] ?? randomBytes(32).toString('hex');

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(await freePort()),
    JWT_SECRET: jwtSecret,
    NODE_ENV: 'test',
    ...options.env,
  };
  // Only what this run chose: not a REDIS_URL, DATABASE_URL or WEB_DIR from the caller's shell.
  if (!options.env?.['REDIS_URL']) delete env['REDIS_URL'];
  if (!options.env?.['WEB_DIR']) delete env['WEB_DIR'];
  delete env['DATABASE_URL'];
  // A DATA_DIR of the caller's (attachment files to look at) is kept, else the run's own.
  if (!options.env?.['DATA_DIR']) delete env['DATA_DIR'];
  if (database) env['DATABASE_URL'] = database.url;
  if (dataDir && !options.env?.['DATA_DIR']) env['DATA_DIR'] = dataDir;

  const api = new ApiProcess({ port: Number(env['PORT']), env, name: options.name });
  const cleanUp = async () => {
    await api.close();
    if (database && server && !options.database) await server.dropDatabase(database.name);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  process.once('exit', () => {
    if (api.pid && api.running) process.kill(api.pid, 'SIGKILL');
  });
  try {
    await api.start();
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return { api, database, jwtSecret, cleanUp };
}

/** As root the embedded server runs as another user, who must be able to enter the folder. */
async function embeddedDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chat-test-data-'));
  await chmod(dir, 0o755);
  return dir;
}

const KEPT_RUNS = Symbol.for('@chat/test-harness kept runs');

function keptRuns(): Map<string, TestApiRun> {
  const holder = globalThis as { [KEPT_RUNS]?: Map<string, TestApiRun> };
  return (holder[KEPT_RUNS] ??= new Map());
}

/**
 * Jest runs a config's global setup and teardown in one process: setup keeps its run under
 * the suite's name, and teardown (cleanUpKeptRun) stops the API and drops its database.
 */
export function keepRun(name: string, run: TestApiRun): void {
  keptRuns().set(name, run);
}

export async function cleanUpKeptRun(name: string): Promise<void> {
  const run = keptRuns().get(name);
  keptRuns().delete(name);
  await run?.cleanUp();
}
