/** The API's own statements, run by raw node-pg on the same database. */
export const SEND_SQL = `WITH chat AS (
   UPDATE chats SET last_message_at = now()
    WHERE id = $1
      AND EXISTS (SELECT 1 FROM chat_members WHERE chat_id = $1 AND user_id = $2)
   RETURNING id
 ), m AS (
   INSERT INTO messages (chat_id, sender_id, client_id, content)
   SELECT id, $2, $3, $4 FROM chat
   ON CONFLICT (sender_id, client_id) DO NOTHING
   RETURNING *
 )
 SELECT m.id::text AS id, m.chat_id, m.sender_id, u.full_name AS sender_name,
   m.client_id, m.content, m.created_at FROM m JOIN users u ON u.id = m.sender_id`;

export const BATCH_SQL = `INSERT INTO messages (chat_id, sender_id, client_id, content)
 SELECT $1, $2, c, $3 FROM unnest($4::uuid[]) AS c`;

/**
 * The API's page query (MessagesService.page, backwards): a range on chat_id, so that only
 * ix_messages_chat_id_id can give the (chat_id, id) order, and created_at formatted by
 * PostgreSQL. The raw keyset baseline of W3.
 */
export const HISTORY_SQL = `SELECT m.id::text AS id, m.chat_id, m.sender_id, u.full_name AS sender_name,
   m.client_id, m.content,
   to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
   FROM messages m JOIN users u ON u.id = m.sender_id
  WHERE m.chat_id >= $1 AND m.chat_id <= $1
    AND ($2::bigint IS NULL OR m.id < $2)
    AND ($3::bigint IS NULL OR m.id > $3)
  ORDER BY m.chat_id DESC, m.id DESC
  LIMIT $4`;

/**
 * The page query as first written, kept to show why it changed: with `chat_id = $1`
 * PostgreSQL drops chat_id from the ORDER BY and may walk messages_pkey backwards, filtering
 * out every newer (or, for a last page, every older) message of other chats.
 */
export const HISTORY_SQL_PK_ORDER = HISTORY_SQL.replace(
  'WHERE m.chat_id >= $1 AND m.chat_id <= $1',
  'WHERE m.chat_id = $1',
).replace('ORDER BY m.chat_id DESC, m.id DESC', 'ORDER BY m.id DESC');
