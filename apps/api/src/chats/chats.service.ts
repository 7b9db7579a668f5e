import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  directChatId,
  directPeers,
  GLOBAL_CHAT_ID,
  isDirectChatId,
  GLOBAL_CHAT_TITLE,
  isChatId,
  LIMITS,
  type Chat,
  type ChatKind,
  type ChatMember,
  type MembersPage,
} from '@chat/shared-types';
import { DataSource } from 'typeorm';
import { AppError, forbiddenChat } from '../common/app-error';
import { DomainEvents } from '../common/events/domain-events';
import {
  MESSAGE_COLUMNS,
  MESSAGE_FROM,
  toMessage,
  type MessageRow,
} from '../messages/message.mapper';
import { UsersService } from '../users/users.service';
import { ChatMembersService } from './chat-members.service';
import type { MembersQueryDto } from './dto/members-query.dto';

interface ChatRow {
  /** Whose view the row is. */
  user_id: string;
  id: string;
  kind: ChatKind;
  /** A group's title; null for the others. */
  title: string | null;
  last_read_id: string | null;
  /** Exact up to LIMITS.unreadMax, then LIMITS.unreadMax + 1: counting stops there. */
  unread_count: number;
  member_count: number;
  version: string;
  /** The newest message, as MESSAGE_COLUMNS selects it (to_json), or null. */
  last_message: MessageRow | null;
}

export interface CreatedChat {
  chat: Chat;
  created: boolean;
}

@Injectable()
export class ChatsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly chatMembers: ChatMembersService,
    private readonly events: DomainEvents,
  ) {}

  /** The caller's chats: `all` first, then by latest activity. */
  list(userId: string): Promise<Chat[]> {
    return this.load(userId, null);
  }

  async get(userId: string, chatId: string): Promise<Chat> {
    const [chat] = await this.load(userId, chatId);
    if (!chat) throw forbiddenChat();
    return chat;
  }

  /**
   * Forbidden both for a chat the user is not in and for one that does not exist.
   * `knownChats`: ids the user is known to be a member of without asking the database (a
   * socket's rooms: it joined every chat of its user at the handshake and joins each new one,
   * and no one ever leaves `All` or a direct chat; group membership, which changes, is always
   * read from the database). Only ids shaped like chat ids count there, so the socket's
   * other rooms (user, session, presence) never pass for chats.
   */
  async assertMember(
    userId: string,
    chatId: string,
    knownChats?: ReadonlySet<string>,
  ): Promise<void> {
    assertChatIdShape(chatId);
    if (knownChats?.has(chatId) && (chatId === GLOBAL_CHAT_ID || isDirectChatId(chatId))) return;
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM chat_members WHERE chat_id = $1 AND user_id = $2`,
      [chatId, userId],
    );
    if (rows.length === 0) throw forbiddenChat();
  }

  /**
   * Idempotent and race-free: concurrent calls from both sides insert one row (ON CONFLICT),
   * and only the call that inserted it reports `created` and tells both members.
   */
  async createDirect(userId: string, peerId: string): Promise<CreatedChat> {
    if (peerId === userId) throw new AppError('invalid', 'peerId must be another user');
    if (!(await this.users.exists(peerId))) throw new AppError('not_found', 'No such user');
    const chatId = directChatId(userId, peerId);
    const created = await this.db.transaction(async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO chats (id, kind) VALUES ($1, 'direct') ON CONFLICT (id) DO NOTHING RETURNING id`,
        [chatId],
      );
      await tx.query(
        `INSERT INTO chat_members (chat_id, user_id) VALUES ($1, $2), ($1, $3)
         ON CONFLICT DO NOTHING`,
        [chatId, userId, peerId],
      );
      return inserted.length > 0;
    });
    if (created) {
      const views = new Map<string, Chat>();
      for (const memberId of [userId, peerId])
        views.set(memberId, await this.get(memberId, chatId));
      this.events.emit('chat.created', { chatsByUser: views });
    }
    return { chat: await this.get(userId, chatId), created };
  }

  /** The ids of the groups the user is in (their members hear the user's presence). */
  async groupsOf(userId: string): Promise<string[]> {
    const rows: { chat_id: string }[] = await this.db.query(
      `SELECT chat_id FROM chat_members WHERE user_id = $1 AND chat_id LIKE 'g:%'`,
      [userId],
    );
    return rows.map((r) => r.chat_id);
  }

  /**
   * Of `chatIds` (read at a socket's handshake), the groups the user is no longer in. It first
   * waits for any change of those groups in progress (their row lock), then reads membership
   * in a later statement, whose snapshot sees what that change committed.
   */
  async groupsLeft(userId: string, chatIds: readonly string[]): Promise<string[]> {
    const groups = chatIds.filter((id) => id.startsWith('g:'));
    if (groups.length === 0) return [];
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM chats WHERE id = ANY($1) ORDER BY id FOR SHARE`, [groups]);
      const rows: { chat_id: string }[] = await tx.query(
        `SELECT chat_id FROM chat_members WHERE user_id = $1 AND chat_id = ANY($2)`,
        [userId, groups],
      );
      const kept = new Set(rows.map((r) => r.chat_id));
      return groups.filter((id) => !kept.has(id));
    });
  }

  /** A page of the chat's members (403 unless the caller is one). */
  async members(userId: string, chatId: string, query: MembersQueryDto): Promise<MembersPage> {
    await this.assertMember(userId, chatId);
    return this.chatMembers.page(chatId, query);
  }

  /**
   * Moves the member's read mark forward only, never past the chat's newest message.
   * Returns the new mark, or null when it did not move.
   */
  async markRead(
    userId: string,
    chatId: string,
    upToId: string,
    knownChats?: ReadonlySet<string>,
  ): Promise<string | null> {
    await this.assertMember(userId, chatId, knownChats);
    // Wrapped in a SELECT: TypeORM returns [rows, count] for a bare UPDATE.
    const rows: { last_read_id: string }[] = await this.db.query(
      `WITH moved AS (
         UPDATE chat_members cm
            SET last_read_id = target.id
           FROM (SELECT LEAST($3::bigint, (SELECT max(id) FROM messages WHERE chat_id = $1)) AS id) target
          WHERE cm.chat_id = $1 AND cm.user_id = $2
            AND target.id IS NOT NULL
            AND (cm.last_read_id IS NULL OR cm.last_read_id < target.id)
          RETURNING cm.last_read_id)
       SELECT last_read_id::text AS last_read_id FROM moved`,
      [chatId, userId, upToId],
    );
    const upTo = rows[0]?.last_read_id ?? null;
    if (upTo) this.events.emit('chat.read', { chatId, userId, upToId: upTo });
    return upTo;
  }

  /**
   * Each chat's title as `userId` sees it, as `Chat.title` has it: `All`, or the other
   * member's name. For search hits, which name many chats and need nothing else of them.
   */
  async titles(userId: string, chatIds: readonly string[]): Promise<Map<string, string>> {
    const rows: { id: string; kind: ChatKind; title: string | null; peer_name: string | null }[] =
      await this.db.query(
        `SELECT c.id, c.kind, c.title,
              (SELECT u.full_name FROM chat_members p JOIN users u ON u.id = p.user_id
                WHERE p.chat_id = c.id AND p.user_id <> $1 ORDER BY u.full_name LIMIT 1) AS peer_name
         FROM chats c WHERE c.id = ANY($2)`,
        [userId, chatIds],
      );
    return new Map(
      rows.map((row) => [
        row.id,
        row.kind === 'global'
          ? GLOBAL_CHAT_TITLE
          : row.kind === 'group'
            ? (row.title ?? '')
            : (row.peer_name ?? ''),
      ]),
    );
  }

  /**
   * Each given member's own view of a group or a direct chat (chat:created, chat:updated after
   * a group's change), built in a few queries whatever the number of members: a 1,000-member
   * group's rename costs one read of its rows, not 1,000 chat loads. Users who are not members
   * are left out.
   */
  async viewsOf(chatId: string, userIds: readonly string[]): Promise<Map<string, Chat>> {
    const views = new Map<string, Chat>();
    if (userIds.length === 0) return views;
    const rows = await this.rows([...userIds], chatId);
    const members = await this.chatMembers.viewsOf(
      chatId,
      rows.map((row) => row.user_id),
    );
    for (const row of rows) {
      const listed = new Map([[chatId, members.get(row.user_id) ?? []]]);
      views.set(row.user_id, toChat(row, listed, row.user_id));
    }
    return views;
  }

  /**
   * The user's chats (or the one asked for, if the user is in it) with their members: the
   * user's memberships first (which chats, whom they write to directly), then the chat rows
   * and the member lists at once.
   */
  private async load(userId: string, chatId: string | null): Promise<Chat[]> {
    const memberships = await this.chatIdsOf(userId);
    if (chatId !== null && !memberships.includes(chatId)) return [];
    const [rows, members] = await Promise.all([
      this.rows([userId], chatId),
      this.chatMembers.forViewer(
        chatId === null ? memberships : [chatId],
        new Set(directPeers(userId, memberships)),
      ),
    ]);
    // A chat joined between the two reads waits for the next load (chat:created tells of it).
    return rows.filter((row) => members.has(row.id)).map((row) => toChat(row, members, userId));
  }

  private async chatIdsOf(userId: string): Promise<string[]> {
    const rows: { chat_id: string }[] = await this.db.query(
      `SELECT chat_id FROM chat_members WHERE user_id = $1`,
      [userId],
    );
    return rows.map((row) => row.chat_id);
  }

  /**
   * The chats of the users (one chat, or all of theirs): `all` first, then by activity. The
   * unread count's range is also written as a row comparison on (chat_id, id), which only
   * ix_messages_chat_id_id can serve: with `m.id > …` alone the planner, estimating a direct
   * chat's share of 5,000,000 messages in `All` from the column's statistics, walked the
   * primary key from the read mark and filtered on the chat — minutes for a user with 200
   * direct chats. With the row comparison alone, the index scan did not stop at the chat's
   * end and read on through the chats after it (1 ms per chat read to the end); both together
   * read just the chat's unread rows (W6, docs/benchmarks.md).
   */
  private rows(userIds: string[], chatId: string | null): Promise<ChatRow[]> {
    return this.db.query(CHAT_ROWS, [userIds, chatId]);
  }
}

/** One user's view of a chat from its row and the chats' member lists. */
function toChat(row: ChatRow, members: Map<string, ChatMember[]>, userId: string): Chat {
  const chatMembers = members.get(row.id) ?? [];
  const peer = chatMembers.find((m) => m.id !== userId);
  return {
    id: row.id,
    kind: row.kind,
    title:
      row.kind === 'global'
        ? GLOBAL_CHAT_TITLE
        : row.kind === 'group'
          ? (row.title ?? '')
          : (peer?.fullName ?? ''),
    members: chatMembers,
    memberCount: row.member_count,
    membersComplete: chatMembers.length >= row.member_count,
    lastMessage: row.last_message ? toMessage(row.last_message) : null,
    unreadCount: row.unread_count,
    lastReadId: row.last_read_id,
    version: row.version,
  };
}

/** An id no chat can have (too long, NUL) is forbidden like any chat one is not in. */
export function assertChatIdShape(chatId: string): void {
  if (!isChatId(chatId)) throw forbiddenChat();
}

/**
 * ChatsService.rows. Planned for each call with its values (1-2 ms for a user in 220 chats):
 * as a named statement PostgreSQL switched to a generic plan after five calls, and one chosen
 * while `All` was small took over 10 s per list once it held 5,000,000 messages (W6).
 */
const CHAT_ROWS = `SELECT cm.user_id, c.id, c.kind, c.title, cm.last_read_id::text AS last_read_id,
        (SELECT count(*)::int FROM (
           SELECT 1 FROM messages m
            WHERE m.chat_id = c.id AND m.id > COALESCE(cm.last_read_id, 0)
              AND (m.chat_id, m.id) > (c.id, COALESCE(cm.last_read_id, 0))
              AND m.sender_id <> cm.user_id AND m.deleted_at IS NULL AND m.system IS NULL
            ORDER BY m.chat_id, m.id
            LIMIT ${LIMITS.unreadMax + 1}) unread) AS unread_count,
        COALESCE(n.member_count, 0) AS member_count,
        c.version::text AS version,
        (SELECT to_json(lm) FROM (
           SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM}
            WHERE m.chat_id = c.id ORDER BY m.chat_id DESC, m.id DESC LIMIT 1) lm) AS last_message
   FROM chat_members cm
   JOIN chats c ON c.id = cm.chat_id
   LEFT JOIN chat_member_counts n ON n.chat_id = c.id
  WHERE cm.user_id = ANY($1::uuid[]) AND ($2::text IS NULL OR c.id = $2)
  ORDER BY c.id = '${GLOBAL_CHAT_ID}' DESC, COALESCE(c.last_message_at, c.created_at) DESC, c.id`;
