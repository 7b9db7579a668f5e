import { LIMITS, type Message, type Reaction, type SystemEvent } from '@chat/shared-types';
import { attachmentUrls, type AttachmentRecord } from '../attachments/attachment-urls';

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
  version: string;
  edited_at: string | null;
  deleted: boolean;
  /** JSON from the reactions subquery (REACTIONS), null when there are none. */
  reactions: Reaction[] | null;
  reply_to_id: string | null;
  /** The replied-to message, read with this one (MESSAGE_FROM's `r` and `ru`). */
  reply_sender_id: string | null;
  reply_sender_name: string | null;
  reply_excerpt: string | null;
  reply_deleted: boolean | null;
  /** JSON from the attachments subquery (ATTACHMENTS), null when there are none. */
  attachments: AttachmentRecord[] | null;
  /** A group's system message (its SystemEvent, as jsonb); null for what people wrote. */
  system: SystemEvent | null;
}

/** A timestamptz column as Date#toISOString() writes it: UTC, milliseconds (truncated, too). */
export const isoTimestamp = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A message's reactions as JSON: one entry per emoji in the order it was first used (its
 * smallest `ord`), with its users in the order they set it.
 */
const REACTIONS = `(SELECT json_agg(json_build_object('emoji', e.emoji, 'count', e.n, 'userIds', e.users)
                   ORDER BY e.first)
              FROM (SELECT emoji, count(*)::int AS n, array_agg(user_id ORDER BY ord) AS users,
                           min(ord) AS first
                      FROM message_reactions WHERE message_id = m.id GROUP BY emoji) e)`;

/**
 * A message's attachments as JSON, in the order its sender named them; none once it is
 * deleted (its files are being removed).
 */
export const ATTACHMENTS_OF = (where: string, order: string) =>
  `(SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'size', a.size, 'mime', a.mime,
                    'kind', a.kind, 'width', a.width, 'height', a.height,
                    'thumb', a.thumbnail_size IS NOT NULL) ORDER BY ${order})
      FROM attachments a WHERE ${where})`;

const ATTACHMENTS = ATTACHMENTS_OF('a.message_id = m.id AND a.discarded_at IS NULL', 'a.position');

/** What every read of messages selects from: the row `m`, its sender `u`, its reply `r`. */
export const MESSAGE_FROM = `messages m JOIN users u ON u.id = m.sender_id
  LEFT JOIN messages r ON r.id = m.reply_to_id LEFT JOIN users ru ON ru.id = r.sender_id`;

export const MESSAGE_COLUMNS = `m.id::text AS id, m.chat_id, m.sender_id, u.full_name AS sender_name,
  m.client_id, m.content, ${isoTimestamp('m.created_at')} AS created_at,
  m.version::text AS version, ${isoTimestamp('m.edited_at')} AS edited_at,
  m.deleted_at IS NOT NULL AS deleted, ${REACTIONS} AS reactions,
  m.reply_to_id::text AS reply_to_id, r.sender_id AS reply_sender_id,
  ru.full_name AS reply_sender_name, left(r.content, ${LIMITS.excerptMax}) AS reply_excerpt,
  r.deleted_at IS NOT NULL AS reply_deleted, ${ATTACHMENTS} AS attachments, m.system`;

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    chatId: row.chat_id,
    senderId: row.sender_id,
    senderName: row.sender_name,
    content: row.content,
    clientId: row.client_id,
    createdAt: row.created_at,
    replyTo:
      row.reply_to_id && row.reply_sender_id
        ? {
            id: row.reply_to_id,
            senderId: row.reply_sender_id,
            senderName: row.reply_sender_name ?? '',
            excerpt: row.reply_deleted ? '' : (row.reply_excerpt ?? ''),
            deleted: row.reply_deleted === true,
          }
        : null,
    editedAt: row.edited_at,
    deleted: row.deleted,
    reactions: row.reactions ?? [],
    version: row.version,
    system: row.system ?? null,
    // Signed afresh for every Message returned (AttachmentUrls).
    attachments: row.attachments?.map((a) => attachmentUrls().toAttachment(a)) ?? [],
  };
}
