import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cleanUp } from './global-teardown';
import { E2E_BASE_URL, E2eState, isStopping, setE2eState } from './e2e-state';
import { adminServerProblem, createDatabase } from './local-postgres';

const WORKSPACE_ROOT = resolve(__dirname, '../../../..');
const API_ENTRY = join(WORKSPACE_ROOT, 'dist/apps/api/main.js');
const WEB_INDEX = join(WORKSPACE_ROOT, 'dist/apps/web/browser/index.html');
const READY_TIMEOUT_MS = 90_000;
const OUTPUT_TAIL_CHARS = 20_000;

/** Starts the production build of the API, serving the built web app, on a fresh database. */
export default async function globalSetup(): Promise<void> {
  for (const [file, command] of [
    [API_ENTRY, 'npx nx build api'],
    [WEB_INDEX, 'npx nx build web'],
  ]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: build it first (${command})`);
  }

  const stamp = `${Date.now()}_${process.pid}`;
  const problem = await adminServerProblem();
  const databaseName = problem ? undefined : `chat_web_e2e_${stamp}`;
  const databaseUrl = databaseName ? await createDatabase(databaseName) : undefined;
  if (problem) console.log(`\nweb-e2e: ${problem}; the API will use its embedded PostgreSQL`);
  const dataDir = databaseUrl ? undefined : await embeddedDataDir();
  const port = await freePort();
  const logFile = join(tmpdir(), `chat-web-e2e-${process.pid}.log`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    // 48 characters.
    JWT_SECRET: randomBytes(36).toString('base64url'),
    NODE_ENV: 'test',
  };
  // The database must be the one made here, and one process needs no Redis.
  delete env['REDIS_URL'];
  delete env['DATABASE_URL'];
  delete env['DATA_DIR'];
  delete env['WEB_DIR'];
  if (databaseUrl) env['DATABASE_URL'] = databaseUrl;
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

  const state: E2eState = { databaseName, dataDir, logFile };
  setE2eState(state, child);
  // Should Jest itself be interrupted, do not leave the API running.
  process.once('exit', () => child.kill('SIGKILL'));

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(url, child);
  } catch (error) {
    await cleanUp(state, child);
    throw new Error(
      `${(error as Error).message}\n--- API output (full log: ${logFile}) ---\n${output}`,
    );
  }

  child.once('exit', (code, signal) => {
    if (!isStopping()) {
      console.error(
        `\nweb-e2e: the API exited mid-run (code ${code}, signal ${signal}); see ${logFile}`,
      );
    }
  });
  process.env[E2E_BASE_URL] = url;
  console.log(
    `\nweb-e2e: app on ${url}, ${
      databaseName ? `database ${databaseName}` : `embedded PostgreSQL in ${dataDir}`
    }, log ${logFile}`,
  );
}

/**
 * A temp DATA_DIR for the embedded PostgreSQL. Run as root, it hands initdb to an unprivileged
 * user, who must be able to enter the directory.
 */
async function embeddedDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chat-web-e2e-data-'));
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

async function waitUntilHealthy(url: string, child: ChildProcess): Promise<void> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `the API exited early (code ${code}, signal ${signal})`;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
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
