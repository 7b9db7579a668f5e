import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { isDatabaseUnavailable } from '../common/error-mapping';
import { messagesConfig, type MessagesConfig } from '../config/configuration';
import { readChanged, runChange, type ChangeStatement } from './message-changes';
import { ATTACHMENTS_OF, isoTimestamp, type MessageRow } from './message.mapper';

export interface NewMessage {
  chatId: string;
  senderId: string;
  /** The sender's fullName, which the stored row is returned with (no join with users). */
  senderName: string;
  clientId: string;
  content: string;
  /** A message of the same chat, not deleted; else the message is not stored. */
  replyToId?: string | undefined;
  /**
   * Uploads of the sender's to this chat that no message uses; linked to this one in its
   * INSERT's statement, else the message is not stored.
   */
  attachmentIds?: readonly string[] | undefined;
}

/** What the INSERT returns: the new row, without what only reads join (names, reply, reactions). */
type StoredRow = Pick<
  MessageRow,
  | 'id'
  | 'chat_id'
  | 'sender_id'
  | 'client_id'
  | 'content'
  | 'created_at'
  | 'version'
  | 'reply_to_id'
  | 'attachments'
>;

/** A batch's answer from the database: `deliver` resolves its callers. */
type Outcome = { batch: Pending[]; deliver: () => void } | { batch: Pending[]; error: unknown };

interface Lane {
  queue: Pending[];
  flushing: boolean;
}

/** A new message, batched with the others in flight. */
interface PendingInsert {
  kind: 'insert';
  message: NewMessage;
  resolve: (row: MessageRow | null) => void;
  reject: (error: unknown) => void;
}

/** A change of a group (members, roles, title): its own transaction, in the lane's order. */
interface PendingChange {
  kind: 'change';
  run: (pool: Pool) => Promise<unknown>;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * A change of a message (edit, delete, reaction): one statement (message-changes.ts), run in
 * one transaction with the other message changes queued next to it in the lane.
 */
interface PendingMessageChange {
  kind: 'message-change';
  chatId: string;
  statement: ChangeStatement;
  values: unknown[];
  resolve: (rows: MessageRow[]) => void;
  reject: (error: unknown) => void;
}

type Pending = PendingInsert | PendingChange | PendingMessageChange;

const MAX_BATCH = 500;

/**
 * Message changes per transaction. Each is still a statement of its own (one round trip), so
 * a batch saves the commits and the read-backs; a smaller cap than MAX_BATCH keeps the first
 * change's wait for the last one short.
 */
const MAX_CHANGE_BATCH = 64;

/** Takes the rows of a batch's chats in id order, as the INSERT does, so batches never deadlock. */
const LOCK_CHATS = {
  name: 'message-writer.lock-chats',
  text: `SELECT id FROM chats WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
};

/**
 * One statement, so one round trip and its own transaction. The rows to insert are joined with
 * `held`, the array of `locked`, which takes every chat's lock (in id order) before a row can
 * reach the INSERT and its identity value and `version` (the column's default,
 * nextval('message_versions')): an aggregate is complete before its one row comes out. A
 * reply must name a message of the same chat that is not deleted, else the row is left out.
 * That check locks the target row (FOR SHARE, only for replies) after the chat's lock (it
 * reads `l`), so it sees the target as it is once the lock is held: had this statement waited
 * for another instance's write of the chat, its snapshot would predate a deletion committed
 * meanwhile, but a row lock reads the newest committed version and re-checks the condition
 * (READ COMMITTED), so a reply to a message just deleted is left out.
 * Membership of a group, where members leave, is read the same way (`grp`, FOR SHARE after
 * the chat lock): a sender removed by the transaction this one waited for is found deleted and
 * the row left out (docs/architecture.md, "Groups"). `All` and direct chats never lose members.
 * A message's attachments (`att`) must all be `free` (the sender's uploads to that chat, no
 * message's yet: locked FOR UPDATE after the chat lock, so re-read as committed) and each is
 * `claimed` by the first message of the batch that names it; a message short of any is left
 * out, so a message never exists without its files. `linked` binds them to the stored message.
 * `touched` then raises each chat's `version` to its greatest new message's.
 * Every step is a join or a scan, never a subquery per message of another CTE's rows: those
 * made a batch of n messages cost n² (18 ms of a 200-message batch's 60, docs/benchmarks.md).
 */
const INSERT = `WITH locked AS (
    SELECT id FROM chats WHERE id = ANY($6::text[]) ORDER BY id FOR UPDATE
  ), held AS MATERIALIZED (
    SELECT array_agg(id) AS ids FROM locked
  ), input AS (
    SELECT t.*, COALESCE(string_to_array(t.att_list, ',')::uuid[], '{}') AS att
      FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::bigint[], $7::text[])
      WITH ORDINALITY AS t(chat_id, sender_id, client_id, content, reply_to_id, att_list, ord)
  ), free AS (
    SELECT a.id, a.chat_id, a.uploader_id FROM attachments a
     WHERE a.id = ANY($8::uuid[]) AND a.chat_id = ANY(ARRAY(SELECT id FROM locked))
       AND a.message_id IS NULL AND a.discarded_at IS NULL
       FOR UPDATE OF a
  ), claimed AS (
    SELECT DISTINCT ON (f.id) f.id, i.ord FROM free f
      JOIN input i ON f.id = ANY(i.att) AND f.chat_id = i.chat_id AND f.uploader_id = i.sender_id
     ORDER BY f.id, i.ord
  ), claims AS MATERIALIZED (
    SELECT ord, count(*) AS n FROM claimed GROUP BY ord
  ), m AS (
    INSERT INTO messages (chat_id, sender_id, client_id, content, reply_to_id)
    SELECT i.chat_id, i.sender_id, i.client_id, i.content, i.reply_to_id
      FROM input i
      JOIN held l ON i.chat_id = ANY(l.ids)
      LEFT JOIN claims k ON k.ord = i.ord
      LEFT JOIN LATERAL (
        SELECT true AS ok FROM chat_members cm
         WHERE cm.chat_id = i.chat_id AND cm.user_id = i.sender_id AND i.chat_id LIKE 'g:%'
           AND cm.chat_id = ANY(l.ids)
           FOR SHARE
      ) grp ON true
      LEFT JOIN LATERAL (
        SELECT r.id FROM messages r
         WHERE i.reply_to_id IS NOT NULL AND r.id = i.reply_to_id AND r.chat_id = i.chat_id
           AND r.chat_id = ANY(l.ids) AND r.deleted_at IS NULL
           FOR SHARE
      ) r ON true
     WHERE (i.reply_to_id IS NULL OR r.id IS NOT NULL)
       AND (grp.ok OR (i.chat_id NOT LIKE 'g:%' AND EXISTS (
             SELECT 1 FROM chat_members cm WHERE cm.chat_id = i.chat_id AND cm.user_id = i.sender_id)))
       AND cardinality(i.att) = COALESCE(k.n, 0)
     ORDER BY i.ord
    ON CONFLICT (sender_id, client_id) DO NOTHING
    RETURNING *
  ), touched AS (
    UPDATE chats c SET last_message_at = now(), version = GREATEST(c.version, COALESCE(v.version, 0))
      FROM locked LEFT JOIN (SELECT chat_id, max(version) AS version FROM m GROUP BY chat_id) v
           ON v.chat_id = locked.id
     WHERE c.id = locked.id
  ), sent AS (
    SELECT m.*, a.att FROM m
      JOIN (SELECT DISTINCT ON (sender_id, client_id) sender_id, client_id, att FROM input
             ORDER BY sender_id, client_id, ord) a
        ON a.sender_id = m.sender_id AND a.client_id = m.client_id
  ), linked AS (
    UPDATE attachments a SET message_id = sent.id, position = array_position(sent.att, a.id)
      FROM sent WHERE a.id = ANY(sent.att)
  )
  SELECT m.id::text AS id, m.chat_id, m.sender_id, m.client_id, m.content,
         ${isoTimestamp('m.created_at')} AS created_at, m.version::text AS version,
         m.reply_to_id::text AS reply_to_id,
         ${ATTACHMENTS_OF('a.id = ANY(m.att)', 'array_position(m.att, a.id)')} AS attachments
    FROM sent m ORDER BY m.id`;

/**
 * Writes messages in group commits: the first message goes to the database at once, and the
 * messages that arrive while a transaction is in flight go together in the next one, so under
 * load one commit (one WAL flush) carries many messages while a lone message waits for none.
 * Chats are spread over a few lanes, each with its own transaction in flight.
 *
 * Each transaction (one statement) first locks the rows of the chats it writes to, in id
 * order, and holds them until it commits: within a chat, ids are therefore assigned and
 * committed one transaction at a time, and a reader who has seen id N never misses a later
 * commit with a smaller id (docs/architecture.md); versions likewise. A message resolves to
 * its stored row, or to null when it was not inserted (the sender is not a member of the chat,
 * its reply is not a live message of the chat, or (sender, clientId) is already stored).
 * Changes of messages (edit, delete, reactions) take the same lanes (`changeMessage`), in
 * batches of their own between the batches of new messages, and so do changes of groups
 * (`change`, one at a time), so one chat's writes are ordered in one queue.
 */
@Injectable()
export class MessageWriter {
  /**
   * Transactions in flight at once (MESSAGE_WRITE_LANES); a chat always uses the same lane, so
   * lanes never contend. One is best when PostgreSQL shares a few cores with the API: each
   * commit costs it the same CPU however few rows it carries (docs/benchmarks.md).
   */
  private readonly lanes: Lane[];

  private readonly pool: Pool;

  /** Metrics hook (operations/metrics.ts): each committed batch's size and rows inserted. */
  onBatchStored: ((size: number, stored: number) => void) | null = null;

  constructor(
    @InjectDataSource() db: DataSource,
    @Inject(messagesConfig.KEY) config: MessagesConfig,
  ) {
    this.pool = (db.driver as PostgresDriver).master as Pool;
    this.lanes = Array.from({ length: config.writeLanes }, () => ({ queue: [], flushing: false }));
  }

  write(message: NewMessage): Promise<MessageRow | null> {
    return new Promise((resolve, reject) => {
      this.enqueue(message.chatId, { kind: 'insert', message, resolve, reject });
    });
  }

  /**
   * Runs a change of a message of `chatId` (message-changes.ts) in the chat's lane: after every
   * write of the chat queued before it has committed, and before any queued after it starts.
   * Consecutive changes in the lane share a transaction, which first locks their chats' rows
   * in id order; each statement then changes and takes its versions, and the messages are read back
   * under those locks, so versions are taken and committed in each chat's order. Resolves to
   * the messages it changed (none: it changed nothing) once the transaction has committed.
   */
  changeMessage(
    chatId: string,
    statement: ChangeStatement,
    values: unknown[],
  ): Promise<MessageRow[]> {
    return new Promise((resolve, reject) => {
      this.enqueue(chatId, { kind: 'message-change', chatId, statement, values, resolve, reject });
    });
  }

  /**
   * Runs a change of a group of `chatId` (GroupsService) in the chat's lane, alone: after every
   * write of the chat queued before it has committed, and before any queued after it starts.
   * `run` takes the chat's row lock first, so what it writes is ordered with the chat's
   * messages (its system message's id and version included).
   */
  change<T>(chatId: string, run: (pool: Pool) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue(chatId, {
        kind: 'change',
        run,
        resolve: resolve as (result: unknown) => void,
        reject,
      });
    });
  }

  private enqueue(chatId: string, pending: Pending): void {
    const lane = this.lanes[laneOf(chatId, this.lanes.length)] as Lane;
    lane.queue.push(pending);
    if (!lane.flushing) void this.flush(lane);
  }

  /**
   * Sends batch after batch while the lane has messages. The next batch goes to the database
   * as soon as the previous one has committed, before the previous one's messages are
   * delivered, so PostgreSQL works on one while the main thread broadcasts the other; ids stay
   * in commit order, since a batch only starts once the one before it committed.
   */
  private async flush(lane: Lane): Promise<void> {
    lane.flushing = true;
    let inFlight: Promise<Outcome> | null = this.next(lane);
    while (inFlight) {
      const outcome: Outcome = await inFlight;
      if ('error' in outcome) {
        // Before anything later is sent, so a retried message keeps its place.
        await this.retry(outcome.batch, outcome.error);
        inFlight = this.next(lane);
      } else {
        inFlight = this.next(lane);
        outcome.deliver();
      }
    }
    lane.flushing = false;
  }

  /**
   * A group's change alone, or the run of new messages (at most MAX_BATCH) or of message
   * changes (at most MAX_CHANGE_BATCH) at the head of the queue.
   */
  private next(lane: Lane): Promise<Outcome> | null {
    const head = lane.queue[0];
    if (!head) return null;
    if (head.kind === 'change') return this.send(lane.queue.splice(0, 1));
    const max = head.kind === 'insert' ? MAX_BATCH : MAX_CHANGE_BATCH;
    const end = lane.queue.findIndex((p, i) => p.kind !== head.kind || i >= max);
    return this.send(lane.queue.splice(0, end < 0 ? lane.queue.length : end));
  }

  private send(batch: Pending[]): Promise<Outcome> {
    const head = batch[0];
    if (head?.kind === 'change') {
      return head.run(this.pool).then(
        (result) => ({ batch, deliver: () => head.resolve(result) }),
        (error: unknown) => ({ batch, error }),
      );
    }
    if (head?.kind === 'message-change') {
      const changes = batch as PendingMessageChange[];
      return this.applyChanges(changes).then(
        (results) => ({
          batch,
          deliver: () => changes.forEach((c, i) => c.resolve(results[i] ?? [])),
        }),
        (error: unknown) => ({ batch, error }),
      );
    }
    const inserts = batch as PendingInsert[];
    return this.insert(inserts.map((p) => p.message)).then(
      (rows) => ({ batch, deliver: () => this.deliver(inserts, rows) }),
      (error: unknown) => ({ batch, error }),
    );
  }

  private deliver(batch: PendingInsert[], rows: StoredRow[]): void {
    this.onBatchStored?.(batch.length, rows.length);
    const stored = new Map(rows.map((row) => [`${row.sender_id}:${row.client_id}`, row]));
    for (const { message, resolve } of batch) {
      const key = `${message.senderId}:${message.clientId}`;
      const row = stored.get(key);
      // The first of two identical (sender, clientId) in one batch takes the row.
      stored.delete(key);
      resolve(row && row.chat_id === message.chatId ? newMessageRow(row, message) : null);
    }
  }

  /**
   * A batch failed: if a row's data was refused, each message on its own; else all fail.
   * A change is never retried here: its statement failed as a whole and changed nothing.
   */
  private async retry(batch: Pending[], error: unknown): Promise<void> {
    if (batch.length === 1 || isDatabaseUnavailable(error)) {
      for (const { reject } of batch) reject(error);
      return;
    }
    for (const pending of batch) {
      const outcome = await this.send([pending]);
      if ('error' in outcome) pending.reject(outcome.error);
      else outcome.deliver();
    }
  }

  /**
   * One transaction: the chats' locks in id order, each change, then one read of what they
   * changed. A message two changes of the batch changed is answered as it is after both (its
   * newer version) to each: as every later read of it would.
   */
  private async applyChanges(changes: PendingMessageChange[]): Promise<MessageRow[][]> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const chatIds = [...new Set(changes.map((c) => c.chatId))].sort();
      await client.query({ ...LOCK_CHATS, values: [chatIds] });
      const ids: string[][] = [];
      for (const change of changes) {
        ids.push(await runChange(client, change.statement, change.values));
      }
      const results = await readChanged(client, ids);
      await client.query('COMMIT');
      return results;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
      throw error;
    } finally {
      // A connection that could not even roll back is closed, not handed to the next caller.
      client.release(broken);
    }
  }

  private async insert(messages: NewMessage[]): Promise<StoredRow[]> {
    const values = [
      messages.map((m) => m.chatId),
      messages.map((m) => m.senderId),
      messages.map((m) => m.clientId),
      messages.map((m) => m.content),
      messages.map((m) => m.replyToId ?? null),
      [...new Set(messages.map((m) => m.chatId))].sort(),
      messages.map((m) => m.attachmentIds?.join(',') ?? ''),
      messages.flatMap((m) => m.attachmentIds ?? []),
    ];
    try {
      // A named statement: parsed and planned once per connection, not once per batch.
      const result = await this.pool.query({ name: 'message-writer.insert', text: INSERT, values });
      return result.rows;
    } catch (error) {
      // As TypeORM reports it elsewhere, so mapError treats it the same (e.g. 22xxx → invalid).
      throw new QueryFailedError(INSERT, values, error as Error);
    }
  }
}

/** A row just inserted: nothing edited, deleted or reacted yet. The reply's details are read. */
function newMessageRow(row: StoredRow, message: NewMessage): MessageRow {
  return {
    ...row,
    sender_name: message.senderName,
    edited_at: null,
    deleted: false,
    reactions: null,
    reply_sender_id: null,
    reply_sender_name: null,
    reply_excerpt: null,
    reply_deleted: null,
    system: null,
  };
}

function laneOf(chatId: string, lanes: number): number {
  if (lanes === 1) return 0;
  let hash = 0;
  for (let i = 0; i < chatId.length; i++) hash = (hash * 31 + chatId.charCodeAt(i)) | 0;
  return Math.abs(hash) % lanes;
}
