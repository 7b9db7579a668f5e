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

  private async flush(lane: Lane): Promise<void> {
    lane.flushing = true;
    while (lane.queue.length > 0) {
      await this.settle(lane.queue.splice(0, MAX_BATCH));
    }
    lane.flushing = false;
  }

  /** One transaction for the batch; if a row's data is refused, each message on its own. */
  private async settle(batch: Pending[]): Promise<void> {
    try {
      const rows = await this.insert(batch.map((p) => p.message));
      const stored = new Map(rows.map((row) => [`${row.sender_id}:${row.client_id}`, row]));
      for (const { message, resolve } of batch) {
        const row = stored.get(`${message.senderId}:${message.clientId}`);
        // The first of two identical (sender, clientId) in one batch takes the row.
        stored.delete(`${message.senderId}:${message.clientId}`);
        resolve(
          row && row.chat_id === message.chatId
            ? { ...row, sender_name: message.senderName }
            : null,
        );
      }
    } catch (error) {
      if (batch.length > 1 && !isDatabaseUnavailable(error)) {
        for (const pending of batch) await this.settle([pending]);
      } else {
        for (const { reject } of batch) reject(error);
      }
    }
  }

  private async insert(messages: NewMessage[]): Promise<Omit<MessageRow, 'sender_name'>[]> {
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
