import {
  PostgresServer,
  itemAt,
  startTestInstances,
  type RedisServer,
  type TestApiRun,
  type TestDatabase,
  type TestInstances,
} from '@chat/test-harness';

/** Limits raised so that load, not throttling, is what the scenarios measure. */
const API_ENV = {
  NODE_ENV: 'test',
  BCRYPT_COST: '10',
  MESSAGE_RATE: '1000',
  MESSAGE_BURST: '1000',
  RATE_LIMIT_REGISTER: '100000',
  RATE_LIMIT_LOGIN: '1000',
  PRESENCE_GRACE_MS: '300',
};

/** An API instance that exited without being asked to. */
export interface Crash {
  instance: number;
  at: number;
  /** The exit, and the last error the process printed. */
  description: string;
  /** The last error the process printed. */
  error: string | null;
}

export interface StoredRow {
  id: string;
  chatId: string;
  senderId: string;
  clientId: string;
  content: string;
}

/** A message as it is stored now: what a caught-up client must show for it. */
export interface StoredState {
  id: string;
  chatId: string;
  senderId: string;
  content: string;
  deleted: boolean;
  editedAt: string | null;
  version: string;
  reactions: { emoji: string; count: number; userIds: string[] }[];
}

/**
 * One deployment on loopback: a PostgreSQL cluster of the test's own (so it can be stopped
 * without touching the machine's server), optionally a Redis server, and one or more API
 * instances sharing the database, the Redis and the JWT secret.
 */
export class Deployment {
  readonly crashes: Crash[] = [];
  readonly redis: RedisServer | null;
  readonly apis: TestApiRun[];

  private constructor(
    readonly name: string,
    readonly postgres: PostgresServer,
    readonly database: TestDatabase,
    private readonly instances: TestInstances,
  ) {
    this.redis = instances.redis;
    this.apis = instances.runs;
    this.apis.forEach((run, instance) => {
      run.api.onUnexpectedExit = (description) => {
        const error = lastError(run.api.output());
        this.crashes.push({
          instance,
          at: Date.now(),
          description: `${description}${error ? `: ${error}` : ''}`,
          error,
        });
        process.stderr.write(`\n${name}: API instance ${instance} ${description}\n`);
      };
    });
  }

  static async start(name: string, options: { instances: number; redis: boolean }) {
    const postgres = await PostgresServer.create(name);
    try {
      const database = await postgres.admin.createDatabase(name);
      const instances = await startTestInstances({
        name,
        count: options.instances,
        redis: options.redis,
        env: API_ENV,
        database,
      });
      return new Deployment(name, postgres, database, instances);
    } catch (error) {
      await postgres.destroy();
      throw error;
    }
  }

  /** The first (or only) API instance. */
  get api(): TestApiRun['api'] {
    return itemAt(this.apis, 0).api;
  }

  baseUrl(instance = 0): string {
    return itemAt(this.apis, instance).api.baseUrl;
  }

  /** As a supervisor would: starts again every instance that is not running. */
  async restartStopped(): Promise<number> {
    let restarted = 0;
    for (const run of this.apis) {
      if (run.api.running) continue;
      await run.api.start();
      restarted++;
    }
    return restarted;
  }

  query<T>(sql: string, values?: unknown[]): Promise<T[]> {
    return this.postgres.query<T>(sql, values, this.database.name);
  }

  /** Stored messages matching the filter, ascending by id. */
  storedMessages(filter: {
    chatIds?: string[];
    senderIds?: string[];
    afterId?: string | null;
  }): Promise<StoredRow[]> {
    return this.query<StoredRow>(
      `SELECT m.id::text AS id, m.chat_id AS "chatId", m.sender_id::text AS "senderId",
              m.client_id::text AS "clientId", m.content
         FROM messages m
        WHERE ($1::text[] IS NULL OR m.chat_id = ANY($1))
          AND ($2::text[] IS NULL OR m.sender_id::text = ANY($2))
          AND ($3::bigint IS NULL OR m.id > $3)
        ORDER BY m.id`,
      [filter.chatIds ?? null, filter.senderIds ?? null, filter.afterId ?? null],
    );
  }

  /**
   * The current state of the chats' messages after `afterId`, ascending by id, read straight
   * from the tables (not through the API): content, deleted, editedAt (ISO, ms), version and
   * reactions, each emoji in the order of its earliest current use, its users in order.
   */
  async storedStates(chatIds: string[], afterId: string | null): Promise<StoredState[]> {
    const rows = await this.query<Omit<StoredState, 'reactions'>>(
      `SELECT m.id::text AS id, m.chat_id AS "chatId", m.sender_id::text AS "senderId",
              m.content, m.deleted_at IS NOT NULL AS deleted, m.version::text AS version,
              to_char(m.edited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "editedAt"
         FROM messages m
        WHERE m.chat_id = ANY($1) AND ($2::bigint IS NULL OR m.id > $2)
        ORDER BY m.id`,
      [chatIds, afterId],
    );
    const reactions = await this.query<{ messageId: string; userId: string; emoji: string }>(
      `SELECT r.message_id::text AS "messageId", r.user_id::text AS "userId", r.emoji
         FROM message_reactions r JOIN messages m ON m.id = r.message_id
        WHERE m.chat_id = ANY($1) AND ($2::bigint IS NULL OR m.id > $2)
        ORDER BY r.ord`,
      [chatIds, afterId],
    );
    const byMessage = new Map<string, StoredState['reactions']>();
    for (const { messageId, userId, emoji } of reactions) {
      const list = byMessage.get(messageId) ?? [];
      const entry = list.find((reaction) => reaction.emoji === emoji);
      if (entry) {
        entry.userIds.push(userId);
        entry.count++;
      } else list.push({ emoji, count: 1, userIds: [userId] });
      byMessage.set(messageId, list);
    }
    return rows.map((row) => ({ ...row, reactions: byMessage.get(row.id) ?? [] }));
  }

  async close(): Promise<void> {
    await this.instances.close();
    await this.postgres.destroy();
  }
}

/** The last line of `output` that names an error, without colour codes. */
function lastError(output: string): string | null {
  const lines = output
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^\w*Error\b|Error:/.test(line));
  return lines.at(-1) ?? null;
}
