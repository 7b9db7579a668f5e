import { Client, type ClientConfig } from 'pg';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The shared server's admin URL: E2E_PG_ADMIN_URL, or the machine's PostgreSQL on 5432. */
export function localPostgresAdminUrl(): string {
  return process.env['E2E_PG_ADMIN_URL'] || DEFAULT_ADMIN_URL;
}

export interface TestDatabase {
  name: string;
  url: string;
}

/**
 * The PostgreSQL server (trust auth) on which each run makes its own database: the local one,
 * unless E2E_PG_ADMIN_URL names another.
 */
export class LocalPostgres {
  private constructor(readonly adminUrl: string) {}

  /** A server known to be there (one the test started itself). */
  static at(adminUrl: string): LocalPostgres {
    return new LocalPostgres(adminUrl);
  }

  /** The server, or null when it does not answer (callers then use the embedded one). */
  static async connect(adminUrl = localPostgresAdminUrl()) {
    const server = new LocalPostgres(adminUrl);
    try {
      await server.query('SELECT 1');
      return server;
    } catch {
      return null;
    }
  }

  async createDatabase(prefix: string): Promise<TestDatabase> {
    const name = `${prefix.replace(/\W/g, '_')}_${Date.now()}_${process.pid}`;
    await this.query(`CREATE DATABASE "${name}"`);
    return { name, url: this.urlOf(name) };
  }

  async dropDatabase(name: string): Promise<void> {
    await this.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }

  urlOf(database: string): string {
    const url = new URL(this.adminUrl);
    url.pathname = `/${database}`;
    return url.toString();
  }

  clientConfig(database?: string): ClientConfig {
    return {
      connectionString: database ? this.urlOf(database) : this.adminUrl,
      connectionTimeoutMillis: 3_000,
    };
  }

  async query<T = unknown>(sql: string, values?: unknown[], database?: string): Promise<T[]> {
    const client = new Client(this.clientConfig(database));
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as T[];
    } finally {
      await client.end();
    }
  }
}
