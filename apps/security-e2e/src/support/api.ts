import { sleep, startTestApi, type TestApiRun } from '@chat/test-harness';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

/**
 * Limits every spec file starts the API with unless it probes them: registrations are
 * throttled per address, and all of a run's users register from 127.0.0.1.
 */
export const DEFAULT_TEST_ENV: Readonly<Record<string, string>> = {
  RATE_LIMIT_REGISTER: '100000',
};

/** The API one spec file attacks, and what the file learnt about it. */
export class SecurityApi {
  /** Exits nobody asked for (a crash). */
  readonly unexpectedExits: string[] = [];

  /**
   * `secrets`: every token and password the tests sent or received, none of which may appear
   * in the API's log (instances of one deployment share the set).
   */
  constructor(
    readonly run: TestApiRun,
    readonly secrets = new Set<string>(),
  ) {
    run.api.onUnexpectedExit = (description) => this.unexpectedExits.push(description);
  }

  get baseUrl(): string {
    return this.run.api.baseUrl;
  }

  get port(): number {
    return Number(new URL(this.baseUrl).port);
  }

  get jwtSecret(): string {
    return this.run.jwtSecret;
  }

  get running(): boolean {
    return this.run.api.running;
  }

  /** Remembers a token or password so the log check looks for it. */
  remember(secret: string | undefined): void {
    if (secret && secret.length >= 8) this.secrets.add(secret);
  }

  /** The API's resident memory in KiB (VmRSS from /proc/<pid>/status). */
  rssKiB(): number {
    const pid = this.run.api.pid;
    if (!pid) throw new Error('the API is not running');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
    return Number(match[1]);
  }

  /** Everything the API printed so far (the harness's log file, not only its tail). */
  async log(): Promise<string> {
    // The harness writes through a stream; give it a moment to flush.
    await sleep(200);
    return readFile(this.run.api.logFile, 'utf8');
  }

  /** GET /api/health answers 200 within `timeoutMs`. */
  async healthy(timeoutMs = 5_000): Promise<boolean> {
    try {
      const res = await fetch(`${this.baseUrl}/api/health`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.text();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /** A query on the run's own database (needs the local PostgreSQL, not the embedded one). */
  async query<T>(sql: string, values: unknown[] = []): Promise<T[]> {
    const database = this.run.database;
    if (!database) {
      throw new Error(
        'the API runs its embedded PostgreSQL: start the local server (or set E2E_PG_ADMIN_URL)',
      );
    }
    const client = new Client({ connectionString: database.url, connectionTimeoutMillis: 3_000 });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as T[];
    } finally {
      await client.end();
    }
  }
}

/**
 * Starts the API for the enclosing describe block (beforeAll) and stops it (afterAll), with
 * DEFAULT_TEST_ENV unless `defaults` is false (the API's own defaults then apply).
 * Returns a getter, since the API exists only once beforeAll ran.
 */
export function useApi(
  name: string,
  env: Record<string, string> = {},
  options: { defaults: boolean } = { defaults: true },
): () => SecurityApi {
  let api: SecurityApi | null = null;
  beforeAll(async () => {
    const fullEnv = options.defaults ? { ...DEFAULT_TEST_ENV, ...env } : env;
    api = new SecurityApi(await startTestApi({ name: `security-${name}`, env: fullEnv }));
  }, 90_000);
  afterAll(async () => {
    await api?.run.cleanUp();
  }, 60_000);
  return () => {
    if (!api) throw new Error(`the ${name} API did not start`);
    return api;
  };
}
