import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { cleanUp } from './global-teardown';
import {
  E2E_ENV,
  E2E_LIMITS,
  E2eState,
  adminClientConfig,
  adminUrl,
  databaseUrl,
  isStopping,
  setE2eState,
} from './e2e-state';

const WORKSPACE_ROOT = resolve(__dirname, '../../../..');
const API_ENTRY = join(WORKSPACE_ROOT, 'dist/apps/api/main.js');
const READY_TIMEOUT_MS = 60_000;
const OUTPUT_TAIL_CHARS = 20_000;

export default async function globalSetup(): Promise<void> {
  if (!existsSync(API_ENTRY)) {
    throw new Error(`${API_ENTRY} is missing: build the API first (npx nx build api)`);
  }
  const database = await createDatabase();
  const dataDir = database ? undefined : await embeddedDataDir();
  const port = await freePort();
  const jwtSecret = randomBytes(32).toString('hex');
  const logFile = join(tmpdir(), `chat-api-e2e-${process.pid}.log`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    JWT_SECRET: jwtSecret,
    NODE_ENV: 'test',
    TOKEN_TTL: '3600',
    BCRYPT_COST: '10',
    RATE_LIMIT_LOGIN: String(E2E_LIMITS.failedLogins),
    MESSAGE_RATE: String(E2E_LIMITS.messageRate),
    MESSAGE_BURST: String(E2E_LIMITS.messageBurst),
  };
  // The health suite expects redis 'off', and the database must be the one made here.
  delete env['REDIS_URL'];
  delete env['DATABASE_URL'];
  delete env['DATA_DIR'];
  if (database) env['DATABASE_URL'] = database.url;
  if (dataDir) env['DATA_DIR'] = dataDir;

  const child = spawn(process.execPath, [API_ENTRY], {
    cwd: WORKSPACE_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  let output = '';
  const capture = (chunk: Buffer): void => {
    log.write(chunk);
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);

  const baseUrl = `http://127.0.0.1:${port}`;
  const state: E2eState = {
    pid: child.pid ?? 0,
    databaseName: database?.name,
    dataDir,
    logFile,
  };
  setE2eState(state, child);
  // Should Jest itself be interrupted, do not leave the API running.
  process.once('exit', () => child.kill('SIGKILL'));

  try {
    await waitUntilHealthy(baseUrl, child);
  } catch (error) {
    await cleanUp(state, child);
    throw new Error(
      `${(error as Error).message}\n--- API output (full log: ${logFile}) ---\n${output}`,
    );
  }

  child.once('exit', (code, signal) => {
    if (!isStopping()) {
      console.error(
        `\napi-e2e: the API exited mid-run (code ${code}, signal ${signal}); see ${logFile}`,
      );
    }
  });
  process.env[E2E_ENV.baseUrl] = baseUrl;
  process.env[E2E_ENV.jwtSecret] = jwtSecret;
  if (database) process.env[E2E_ENV.databaseName] = database.name;
  console.log(
    `\napi-e2e: API on ${baseUrl}, ${
      database ? `database ${database.name}` : `embedded PostgreSQL in ${dataDir}`
    }, log ${logFile}`,
  );
}

/** A fresh database on the local PostgreSQL, or undefined when none is reachable. */
async function createDatabase(): Promise<{ name: string; url: string } | undefined> {
  const admin = new Client(adminClientConfig());
  try {
    await admin.connect();
  } catch {
    console.log(`\napi-e2e: no PostgreSQL at ${adminUrl()}; the API will use its embedded one`);
    return undefined;
  }
  try {
    const name = `chat_e2e_${Date.now()}_${process.pid}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    return { name, url: databaseUrl(name) };
  } finally {
    await admin.end();
  }
}

/**
 * A temp DATA_DIR for the embedded PostgreSQL. Run as root, it hands initdb to an unprivileged
 * user, who must be able to enter the directory.
 */
async function embeddedDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chat-e2e-data-'));
  await chmod(dir, 0o755);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitUntilHealthy(baseUrl: string, child: ChildProcess): Promise<void> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `the API exited early (code ${code}, signal ${signal})`;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      lastProblem = `GET /api/health answered ${res.status}: ${await res.text()}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the API was not healthy within ${READY_TIMEOUT_MS / 1000} s (last: ${lastProblem})`,
  );
}
