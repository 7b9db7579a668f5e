import type { Message } from '@chat/shared-types';

/** A messages row joined with its sender's name, as the SQL in this module selects it. */
export interface MessageRow {
  id: string;
  chat_id: string;
  sender_id: string;
  sender_name: string;
  client_id: string;
  content: string;
  created_at: Date;
}

export const MESSAGE_COLUMNS = `m.id::text AS id, m.chat_id, m.sender_id, u.full_name AS sender_name,
  m.client_id, m.content, m.created_at`;

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    chatId: row.chat_id,
    senderId: row.sender_id,
    senderName: row.sender_name,
    content: row.content,
    clientId: row.client_id,
    createdAt: row.created_at.toISOString(),
  };
}
