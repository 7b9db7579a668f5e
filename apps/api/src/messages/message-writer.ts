import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { isDatabaseUnavailable } from '../common/error-mapping';
import { messagesConfig, type MessagesConfig } from '../config/configuration';
import { isoTimestamp, type MessageRow } from './message.mapper';

export interface NewMessage {
  chatId: string;
  senderId: string;
  /** The sender's fullName, which the stored row is returned with (no join with users). */
  senderName: string;
  clientId: string;
  content: string;
}

type StoredRow = Omit<MessageRow, 'sender_name'>;

/** A batch's answer from the database. */
type Outcome = { batch: Pending[]; rows: StoredRow[] } | { batch: Pending[]; error: unknown };

interface Lane {
  queue: Pending[];
  flushing: boolean;
}

interface Pending {
  message: NewMessage;
  resolve: (row: MessageRow | null) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 500;

/**
 * One statement, so one round trip and its own transaction. The rows to insert are joined with
 * `locked`, which takes every chat's lock (in id order) before a row can reach the INSERT and
 * its identity value.
 */
const INSERT = `WITH locked AS (
    SELECT id FROM chats WHERE id = ANY($5::text[]) ORDER BY id FOR UPDATE
  ), touched AS (
    UPDATE chats c SET last_message_at = now() FROM locked WHERE c.id = locked.id
    RETURNING c.id
  ), input AS (
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[])
      WITH ORDINALITY AS t(chat_id, sender_id, client_id, content, ord)
  ), m AS (
    INSERT INTO messages (chat_id, sender_id, client_id, content)
    SELECT i.chat_id, i.sender_id, i.client_id, i.content
      FROM input i
      JOIN (SELECT array_agg(id) AS ids FROM touched) t ON i.chat_id = ANY(t.ids)
      JOIN chat_members cm ON cm.chat_id = i.chat_id AND cm.user_id = i.sender_id
     ORDER BY i.ord
    ON CONFLICT (sender_id, client_id) DO NOTHING
    RETURNING *
  )
  SELECT m.id::text AS id, m.chat_id, m.sender_id, m.client_id, m.content,
         ${isoTimestamp('m.created_at')} AS created_at
    FROM m ORDER BY m.id`;

/**
 * Writes messages in group commits: the first message goes to the database at once, and the
 * messages that arrive while a transaction is in flight go together in the next one, so under
 * load one commit (one WAL flush) carries many messages while a lone message waits for none.
 * Chats are spread over a few lanes, each with its own transaction in flight.
 *
 * Each transaction (one statement) first locks the rows of the chats it writes to, in id
 * order, and holds them until it commits: within a chat, ids are therefore assigned and
 * committed one transaction at a time, and a reader who has seen id N never misses a later
 * commit with a smaller id (docs/architecture.md). A message resolves to its stored row, or
 * to null when it was not inserted (the sender is not a member of the chat, or (sender,
 * clientId) is already stored).
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
    const lane = this.lanes[laneOf(message.chatId, this.lanes.length)] as Lane;
    return new Promise((resolve, reject) => {
      lane.queue.push({ message, resolve, reject });
      if (!lane.flushing) void this.flush(lane);
    });
  }

  /**
   * Sends batch after batch while the lane has messages. The next batch goes to the database
   * as soon as the previous one has committed, before the previous one's messages are
   * delivered, so PostgreSQL works on one while the main thread broadcasts the other; ids stay
   * in commit order, since a batch only starts once the one before it committed.
   */
  private async flush(lane: Lane): Promise<void> {
    lane.flushing = true;
    let inFlight: Promise<Outcome> | null = this.send(lane.queue.splice(0, MAX_BATCH));
    while (inFlight) {
      const outcome: Outcome = await inFlight;
      if ('error' in outcome) {
        // Before anything later is sent, so a retried message keeps its place.
        await this.retry(outcome.batch, outcome.error);
        inFlight = this.next(lane);
      } else {
        inFlight = this.next(lane);
        this.deliver(outcome.batch, outcome.rows);
      }
    }
    lane.flushing = false;
  }

  private next(lane: Lane): Promise<Outcome> | null {
    return lane.queue.length > 0 ? this.send(lane.queue.splice(0, MAX_BATCH)) : null;
  }

  private send(batch: Pending[]): Promise<Outcome> {
    return this.insert(batch.map((p) => p.message)).then(
      (rows) => ({ batch, rows }),
      (error: unknown) => ({ batch, error }),
    );
  }

  private deliver(batch: Pending[], rows: StoredRow[]): void {
    this.onBatchStored?.(batch.length, rows.length);
    const stored = new Map(rows.map((row) => [`${row.sender_id}:${row.client_id}`, row]));
    for (const { message, resolve } of batch) {
      const key = `${message.senderId}:${message.clientId}`;
      const row = stored.get(key);
      // The first of two identical (sender, clientId) in one batch takes the row.
      stored.delete(key);
      resolve(
        row && row.chat_id === message.chatId ? { ...row, sender_name: message.senderName } : null,
      );
    }
  }

  /** A batch failed: if a row's data was refused, each message on its own; else all fail. */
  private async retry(batch: Pending[], error: unknown): Promise<void> {
    if (batch.length === 1 || isDatabaseUnavailable(error)) {
      for (const { reject } of batch) reject(error);
      return;
    }
    for (const pending of batch) {
      const outcome = await this.send([pending]);
      if ('error' in outcome) pending.reject(outcome.error);
      else this.deliver(outcome.batch, outcome.rows);
    }
  }

  private async insert(messages: NewMessage[]): Promise<StoredRow[]> {
    const values = [
      messages.map((m) => m.chatId),
      messages.map((m) => m.senderId),
      messages.map((m) => m.clientId),
      messages.map((m) => m.content),
      [...new Set(messages.map((m) => m.chatId))].sort(),
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

function laneOf(chatId: string, lanes: number): number {
  if (lanes === 1) return 0;
  let hash = 0;
  for (let i = 0; i < chatId.length; i++) hash = (hash * 31 + chatId.charCodeAt(i)) | 0;
  return Math.abs(hash) % lanes;
}
