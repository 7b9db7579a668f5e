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

export const HISTORY_SQL = `SELECT m.id::text AS id, m.chat_id, m.sender_id, u.full_name AS sender_name,
   m.client_id, m.content, m.created_at
   FROM messages m JOIN users u ON u.id = m.sender_id
  WHERE m.chat_id = $1
    AND ($2::bigint IS NULL OR m.id < $2)
    AND ($3::bigint IS NULL OR m.id > $3)
  ORDER BY m.id DESC
  LIMIT $4`;

/**
 * The same page, written so that only ix_messages_chat_id_id can serve it (a suggested change
 * for the API): with `chat_id = $1` PostgreSQL drops chat_id from the ORDER BY and may walk
 * messages_pkey backwards, filtering out every newer (or, for a last page, every older)
 * message of other chats; a range on chat_id keeps (chat_id, id) as the order.
 */
export const HISTORY_SQL_COMPOSITE = HISTORY_SQL.replace(
  'WHERE m.chat_id = $1',
  'WHERE m.chat_id >= $1 AND m.chat_id <= $1',
).replace('ORDER BY m.id DESC', 'ORDER BY m.chat_id DESC, m.id DESC');
