import type { ClientBase } from 'pg';
import { QueryFailedError } from 'typeorm';
import { LIMITS } from '@chat/shared-types';
import { AppError } from '../common/app-error';
import { MESSAGE_COLUMNS, MESSAGE_FROM, type MessageRow } from './message.mapper';

/**
 * The changes of a message, each one statement run in its chat's MessageWriter lane.
 *
 * Every statement first locks the chat's row (`locked`; `lock` aggregates it, so nothing
 * below runs before the lock is held), then changes the message only when the caller is a
 * member and may act and the change changes something, takes the next version from
 * `message_versions` for every message it changes (after the lock, like ids) and raises
 * `chats.version` to the greatest. Within a chat, versions are therefore assigned and
 * committed one transaction at a time, in increasing order (docs/architecture.md).
 *
 * A statement reads with the snapshot taken when it started. If it had to wait for the lock
 * (another instance's write of the chat committed meanwhile), that snapshot misses the write;
 * the locked row, read afresh, then carries a greater `version` than the snapshot's newest
 * message, and the statement changes nothing and answers `stale`: runChange runs it again.
 *
 * An edit or deletion also gives a new version to the replies to the message (their
 * `replyTo` excerpt is read from it), so a client following `changes` sees them change too.
 *
 * Parameters: $1 chat id, $2 message id, $3 user id, then the change's own. Answers the ids of
 * the changed messages (none when nothing changed: MessagesService then finds out why).
 */
const LOCK = `locked AS (SELECT id, version FROM chats WHERE id = $1 FOR UPDATE),
  lock AS (
    SELECT array_agg(id) FILTER (WHERE fresh) AS ids, bool_or(NOT fresh) AS stale
      FROM (SELECT id, version = (SELECT COALESCE(max(version), 0) FROM messages
                                   WHERE chat_id = $1) AS fresh
              FROM locked) l)`;
/**
 * A statement with a name: parsed and planned once per connection (a change runs often, and
 * planning these CTEs costs more than running them).
 */
export interface ChangeStatement {
  readonly name: string;
  readonly text: string;
}

function statement(name: string, text: string): ChangeStatement {
  return { name: `message-changes.${name}`, text };
}

const MEMBER = `EXISTS (SELECT 1 FROM chat_members WHERE chat_id = $1 AND user_id = $3)`;
/** The caller is the group's owner or an admin (roles are `member` outside groups). */
const GROUP_MODERATOR = `EXISTS (SELECT 1 FROM chat_members
   WHERE chat_id = $1 AND user_id = $3 AND role IN ('owner', 'admin'))`;
/** `changed` (id, version) → chats.version, and the statement's answer. */
const FINISH = `touched AS (
    UPDATE chats c SET version = GREATEST(c.version, v.version)
      FROM (SELECT max(version) AS version FROM changed) v
     WHERE c.id = $1 AND v.version IS NOT NULL)
  SELECT id::text AS id, false AS stale FROM changed
  UNION ALL SELECT NULL, true FROM lock WHERE stale`;
/** The replies to `m`, which show its excerpt: a new version each. */
const REPLIES = `replies AS (
    UPDATE messages r SET version = nextval('message_versions')
      FROM m WHERE r.chat_id = $1 AND r.reply_to_id = m.id
    RETURNING r.id, r.version
  ), changed AS (
    SELECT id, version FROM m UNION ALL SELECT id, version FROM replies)`;

/** $4 content (trimmed): the sender's, not deleted, and different from what is stored. */
export const EDIT: ChangeStatement = statement(
  'edit',
  `WITH ${LOCK}, m AS (
    UPDATE messages m SET content = $4, edited_at = now(), version = nextval('message_versions')
      FROM lock
     WHERE m.id = $2 AND m.chat_id = ANY(lock.ids) AND m.sender_id = $3 AND m.system IS NULL
       AND m.deleted_at IS NULL AND m.content <> $4 AND ${MEMBER}
    RETURNING m.id, m.version
  ), ${REPLIES}, ${FINISH}`,
);

/**
 * The sender's (or, in a group, anyone's when the caller is its owner or an admin), not a
 * system message, not deleted yet: content '' and its reactions gone, its attachments
 * discarded (their files are removed once this commits: AttachmentsModule, the sweep).
 */
export const DELETE: ChangeStatement = statement(
  'delete',
  `WITH ${LOCK}, m AS (
    UPDATE messages m SET content = '', deleted_at = now(), version = nextval('message_versions')
      FROM lock
     WHERE m.id = $2 AND m.chat_id = ANY(lock.ids) AND m.system IS NULL
       AND (m.sender_id = $3 OR ${GROUP_MODERATOR})
       AND m.deleted_at IS NULL AND ${MEMBER}
    RETURNING m.id, m.version
  ), cleared AS (
    DELETE FROM message_reactions r USING m WHERE r.message_id = m.id
  ), discarded AS (
    UPDATE attachments a SET discarded_at = now() FROM m WHERE a.message_id = m.id
  ), ${REPLIES}, ${FINISH}`,
);

/** $4 emoji: set, unless set already or it would be the user's 21st on the message. */
export const REACT: ChangeStatement = statement(
  'react',
  `WITH ${LOCK}, target AS (
    SELECT m.id FROM messages m, lock
     WHERE m.id = $2 AND m.chat_id = ANY(lock.ids) AND m.deleted_at IS NULL AND ${MEMBER}
       AND m.system IS NULL
       AND (SELECT count(*) FROM message_reactions
             WHERE message_id = $2 AND user_id = $3) < ${LIMITS.reactionsPerUserMax}
  ), added AS (
    INSERT INTO message_reactions (message_id, user_id, emoji)
    SELECT id, $3, $4 FROM target
    ON CONFLICT (message_id, user_id, emoji) DO NOTHING
    RETURNING message_id
  ), changed AS (
    UPDATE messages m SET version = nextval('message_versions')
      FROM added WHERE m.id = added.message_id
    RETURNING m.id, m.version
  ), ${FINISH}`,
);

/** $4 emoji: cleared, if the user had set it. */
export const UNREACT: ChangeStatement = statement(
  'unreact',
  `WITH ${LOCK}, target AS (
    SELECT m.id FROM messages m, lock
     WHERE m.id = $2 AND m.chat_id = ANY(lock.ids) AND m.deleted_at IS NULL AND ${MEMBER}
  ), removed AS (
    DELETE FROM message_reactions r USING target
     WHERE r.message_id = target.id AND r.user_id = $3 AND r.emoji = $4
    RETURNING r.message_id
  ), changed AS (
    UPDATE messages m SET version = nextval('message_versions')
      FROM removed WHERE m.id = removed.message_id
    RETURNING m.id, m.version
  ), ${FINISH}`,
);

/** $1 message ids: their current state, ascending by version. */
const MESSAGES_BY_IDS = statement(
  'by-ids',
  `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM}
  WHERE m.id = ANY($1::bigint[]) ORDER BY m.version`,
);

/** How often a statement that found its snapshot stale runs again before giving up. */
const STALE_RETRIES = 10;

/**
 * Runs one change statement (again while it answers `stale`): the ids of the messages it
 * changed, none when it changed nothing.
 */
export async function runChange(
  client: ClientBase,
  change: ChangeStatement,
  values: unknown[],
): Promise<string[]> {
  for (let attempt = 0; attempt < STALE_RETRIES; attempt++) {
    const answer = await query<{ id: string | null; stale: boolean }>(client, change, values);
    if (answer.some((row) => row.stale)) continue;
    return answer.flatMap((row) => (row.id === null ? [] : [row.id]));
  }
  throw new AppError('unavailable', 'The chat is too busy right now; try again');
}

/**
 * The messages that changes changed, as they are now (in the changes' transaction, before it
 * commits), ascending by version: `ids` is each change's answer from runChange.
 */
export async function readChanged(
  client: ClientBase,
  ids: readonly (readonly string[])[],
): Promise<MessageRow[][]> {
  const all = [...new Set(ids.flat())];
  if (all.length === 0) return ids.map(() => []);
  const rows = await query<MessageRow>(client, MESSAGES_BY_IDS, [all]);
  return ids.map((mine) => rows.filter((row) => mine.includes(row.id)));
}

async function query<T extends object>(
  client: ClientBase,
  { name, text }: ChangeStatement,
  values: unknown[],
): Promise<T[]> {
  try {
    return (await client.query<T>({ name, text, values })).rows;
  } catch (error) {
    // As TypeORM reports it elsewhere, so mapError treats it the same (e.g. 22xxx → invalid).
    throw new QueryFailedError(text, values, error as Error);
  }
}
