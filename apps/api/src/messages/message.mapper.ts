import type { Message } from '@chat/shared-types';

/** A messages row joined with its sender's name, as the SQL in this module selects it. */
export interface MessageRow {
  id: string;
  chat_id: string;
  sender_id: string;
  sender_name: string;
  client_id: string;
  content: string;
  /** Already ISO-8601 (isoTimestamp): no Date is parsed and formatted back per row. */
  created_at: string;
}

/** A timestamptz column as Date#toISOString() writes it: UTC, milliseconds (truncated, too). */
export const isoTimestamp = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const MESSAGE_COLUMNS = `m.id::text AS id, m.chat_id, m.sender_id, u.full_name AS sender_name,
  m.client_id, m.content, ${isoTimestamp('m.created_at')} AS created_at`;

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    chatId: row.chat_id,
    senderId: row.sender_id,
    senderName: row.sender_name,
    content: row.content,
    clientId: row.client_id,
    createdAt: row.created_at,
  };
}
