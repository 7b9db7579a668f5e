import { createHmac, randomUUID } from 'node:crypto';
import { Client, type Connection, type Submittable } from 'pg';

/**
 * Seeding, straight into the fresh database the API has just migrated (registering 2,000
 * users through the API would cost ~2 minutes of bcrypt and hit its per-address limit):
 * users with one precomputed bcrypt hash, each in `all` as registration does, one session
 * each with an HS256 token signed with the API's JWT_SECRET, shaped like a token the API
 * issued in the same run ({ sub, sid, iat, exp } and whatever else it carries), direct chats,
 * and the W3 history table filled with COPY.
 */

export interface BenchUser {
  index: number;
  id: string;
  login: string;
  fullName: string;
  token: string;
}

export const GLOBAL_CHAT = 'all';

export function directChatId(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

/** Header and claims of a token the API issued, to mint the seeded users' tokens alike. */
export interface TokenTemplate {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

export function tokenTemplate(token: string): TokenTemplate {
  const [header, claims] = token
    .split('.')
    .slice(0, 2)
    .map(
      (part) =>
        JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>,
    );
  if (!header || !claims) throw new Error('not a JWT');
  return { header, claims };
}

/**
 * The API's token for a user and session: the template's header and claims (anything the API
 * adds besides sub, sid, iat and exp is kept), signed HS256 with the run's JWT_SECRET.
 */
export function mintToken(
  secret: string,
  template: TokenTemplate,
  userId: string,
  sessionId: string,
  ttlSeconds: number,
) {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const claims = { ...template.claims, sub: userId, sid: sessionId, iat, exp: iat + ttlSeconds };
  const head = `${b64({ ...template.header, alg: 'HS256' })}.${b64(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

export async function seedUsers(
  db: Client,
  count: number,
  passwordHash: string,
  jwtSecret: string,
  template: TokenTemplate,
): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  const sessions: string[] = [];
  for (let index = 0; index < count; index++) {
    const id = randomUUID();
    const sessionId = randomUUID();
    sessions.push(sessionId);
    const login = `bench_${String(index).padStart(5, '0')}`;
    users.push({
      index,
      id,
      login,
      fullName: `Bench User ${index}`,
      token: mintToken(jwtSecret, template, id, sessionId, 6 * 3600),
    });
  }
  const ids = users.map((u) => u.id);
  await db.query(
    `INSERT INTO users (id, login, full_name, password_hash)
     SELECT id, login, full_name, $4 FROM unnest($1::uuid[], $2::text[], $3::text[])
       AS t(id, login, full_name)`,
    [ids, users.map((u) => u.login), users.map((u) => u.fullName), passwordHash],
  );
  await db.query(`INSERT INTO chat_members (chat_id, user_id) SELECT $1, unnest($2::uuid[])`, [
    GLOBAL_CHAT,
    ids,
  ]);
  await db.query(
    `INSERT INTO sessions (id, user_id, expires_at)
     SELECT unnest($1::uuid[]), unnest($2::uuid[]), now() + interval '6 hours'`,
    [sessions, ids],
  );
  return users;
}

/** Direct chats between the given pairs of users; returns their ids in order. */
export async function seedDirectChats(db: Client, pairs: [BenchUser, BenchUser][]) {
  const chatIds = pairs.map(([a, b]) => directChatId(a.id, b.id));
  await db.query(`INSERT INTO chats (id, kind) SELECT unnest($1::text[]), 'direct'`, [chatIds]);
  await db.query(
    `INSERT INTO chat_members (chat_id, user_id)
     SELECT unnest($1::text[] || $1::text[]), unnest($2::uuid[] || $3::uuid[])`,
    [chatIds, pairs.map(([a]) => a.id), pairs.map(([, b]) => b.id)],
  );
  return chatIds;
}

interface CopyConnection extends Connection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

/**
 * `COPY ... FROM STDIN` through node-pg's Submittable interface (what pg-copy-streams does,
 * which is not a dependency here): the rows come from a generator of text-format chunks.
 */
class CopyFromStdin implements Submittable {
  rowCount = 0;
  private resolveDone: () => void = () => undefined;
  private rejectDone: (error: Error) => void = () => undefined;
  private failed: Error | null = null;
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolveDone = resolve;
    this.rejectDone = reject;
  });

  constructor(
    private readonly sql: string,
    private readonly chunks: Iterable<Buffer>,
  ) {}

  submit(connection: Connection): void {
    (connection as CopyConnection).query(this.sql);
  }

  handleCopyInResponse(connection: Connection): void {
    const copy = connection as CopyConnection;
    const stream = connection.stream;
    const iterator = this.chunks[Symbol.iterator]();
    const pump = () => {
      for (;;) {
        const next = iterator.next();
        if (next.done) {
          copy.endCopyFrom();
          return;
        }
        copy.sendCopyFromChunk(next.value);
        if (stream.writableNeedDrain) {
          stream.once('drain', pump);
          return;
        }
      }
    };
    pump();
  }

  handleCommandComplete(message: { text?: string }): void {
    this.rowCount = Number(/(\d+)$/.exec(message.text ?? '')?.[1] ?? 0);
  }

  handleError(error: Error): void {
    this.failed = error;
  }

  handleReadyForQuery(): void {
    if (this.failed) this.rejectDone(this.failed);
    else this.resolveDone();
  }
}

export async function copyFrom(db: Client, sql: string, chunks: Iterable<Buffer>) {
  const copy = new CopyFromStdin(sql, chunks);
  db.query(copy);
  await copy.done;
  return copy.rowCount;
}

/**
 * W3's table: `count` messages in one direct chat, alternately from its two members, written
 * by `streams` parallel COPYs on connections of their own (nothing else writes meanwhile, so
 * the ids are contiguous). Foreign-key triggers are skipped for the seeding sessions
 * (session_replication_role = replica) when the role allows it: the rows are valid by
 * construction. created_at takes its default (the COPY's transaction time). Then VACUUM
 * ANALYZE and a CHECKPOINT, so that no measurement pays for the seeding.
 */
export async function seedHistory(
  url: string,
  chatId: string,
  senders: [string, string],
  count: number,
  streams = 2,
): Promise<{ rows: number; ms: number; fkChecksSkipped: boolean }> {
  const started = performance.now();
  let fkChecksSkipped = true;
  const padding = 'y'.repeat(40);
  function* chunks(from: number, to: number): Generator<Buffer> {
    const rowsPerChunk = 4000;
    for (let at = from; at < to; at += rowsPerChunk) {
      let text = '';
      for (let i = at; i < Math.min(to, at + rowsPerChunk); i++) {
        const clientId = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
        text += `${chatId}\t${senders[i % 2]}\t${clientId}\thistory message ${i} ${padding}\n`;
      }
      yield Buffer.from(text);
    }
  }
  const share = Math.ceil(count / streams);
  const counts = await Promise.all(
    Array.from({ length: streams }, async (_, k) => {
      const db = new Client({ connectionString: url });
      await db.connect();
      try {
        try {
          await db.query(`SET session_replication_role = replica`);
        } catch {
          fkChecksSkipped = false;
        }
        return await copyFrom(
          db,
          `COPY messages (chat_id, sender_id, client_id, content) FROM STDIN`,
          chunks(k * share, Math.min(count, (k + 1) * share)),
        );
      } finally {
        await db.end();
      }
    }),
  );
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(`VACUUM (ANALYZE) messages`);
    // Flush the seeding's dirty pages now rather than in a checkpoint during the measurements.
    await db.query('CHECKPOINT').catch(() => undefined);
  } finally {
    await db.end();
  }
  return {
    rows: counts.reduce((a, b) => a + b, 0),
    ms: performance.now() - started,
    fkChecksSkipped,
  };
}
