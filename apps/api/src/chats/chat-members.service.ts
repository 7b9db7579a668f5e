import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  directChatMembers,
  GLOBAL_CHAT_ID,
  type ChatRole,
  LIMITS,
  type ChatMember,
  type MembersPage,
  type User,
} from '@chat/shared-types';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error';
import { UsersService, type UserRow } from '../users/users.service';
import { searchPattern, userMatches, userOrder, userOrderKey } from '../users/user-search';
import type { MembersQueryDto } from './dto/members-query.dto';

interface MemberRow extends UserRow {
  chat_id: string;
  last_read_id: string | null;
  role: ChatRole;
}

/**
 * Who is in a chat, at a cost that follows what is shown rather than the chat's size: the
 * capped `Chat.members` of the chat list, and the keyset-paged member list (contract "Size").
 */
@Injectable()
export class ChatMembersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
  ) {}

  /**
   * `Chat.members` for each of the caller's chats: every member of a direct chat; a group's
   * first LIMITS.chatMembersMax by name (read per chat with that limit, so a large group
   * costs a page, not its size); for the global chat at most LIMITS.chatMembersMax, the
   * caller's direct-chat peers first, then by name.
   */
  async forChats(userId: string, chatIds: readonly string[]): Promise<Map<string, ChatMember[]>> {
    const others = chatIds.filter((id) => id !== GLOBAL_CHAT_ID);
    const rows: MemberRow[] = [];
    if (others.length > 0) {
      rows.push(
        ...(await this.db.query<MemberRow[]>(
          `SELECT page.* FROM unnest($1::text[]) AS chat(id)
            CROSS JOIN LATERAL (
              SELECT cm.chat_id, cm.last_read_id::text AS last_read_id, cm.role,
                     u.id, u.login, u.full_name
                FROM chat_members cm JOIN users u ON u.id = cm.user_id
               WHERE cm.chat_id = chat.id
               ORDER BY ${userOrder('u')}
               LIMIT ${LIMITS.chatMembersMax}) page`,
          [others],
        )),
      );
    }
    if (others.length < chatIds.length) {
      const peers = [...new Set(others.flatMap((id) => directChatMembers(id) ?? []))].filter(
        (id) => id !== userId,
      );
      rows.push(...(await this.globalFirstMembers(peers)));
    }
    const users = await this.users.toUsers(rows);
    const byChat = new Map<string, ChatMember[]>();
    rows.forEach((row, i) => {
      const list = byChat.get(row.chat_id) ?? [];
      list.push({ ...(users[i] as User), lastReadId: row.last_read_id, role: row.role });
      byChat.set(row.chat_id, list);
    });
    return byChat;
  }

  /** A page of the chat's members by name then login; the caller is a member (checked). */
  async page(chatId: string, query: MembersQueryDto): Promise<MembersPage> {
    const limit = query.limit ?? LIMITS.membersDefault;
    const after = query.after === undefined ? null : decodeCursor(query.after);
    const pattern = searchPattern(query.search);
    const params: unknown[] = [chatId, limit + 1];
    const where: string[] = [];
    if (pattern !== null) where.push(`AND ${userMatches('u', `$${params.push(pattern)}`)}`);
    if (after !== null) {
      const name = `$${params.push(after[0])}::text COLLATE "C"`;
      const login = `$${params.push(after[1])}::text COLLATE "C"`;
      where.push(`AND ${userOrderKey('u')} > (${name}, ${login})`);
    }
    // Every user is in the global chat: its page walks users alone (ix_users_name_order, or
    // the prefix indexes), and reads the read marks of the page's rows only.
    const from =
      chatId === GLOBAL_CHAT_ID
        ? 'users u'
        : 'users u JOIN chat_members m ON m.user_id = u.id AND m.chat_id = $1';
    const rows: (MemberRow & { sort_name: string })[] = await this.db.query(
      `SELECT $1::text AS chat_id, page.id, page.login, page.full_name, page.sort_name,
              (SELECT cm.last_read_id::text FROM chat_members cm
                WHERE cm.chat_id = $1 AND cm.user_id = page.id) AS last_read_id,
              (SELECT cm.role FROM chat_members cm
                WHERE cm.chat_id = $1 AND cm.user_id = page.id) AS role
         FROM (SELECT u.id, u.login, u.full_name, lower(u.full_name) AS sort_name
                 FROM ${from}
                WHERE true ${where.join(' ')}
                ORDER BY ${userOrder('u')}
                LIMIT $2) page
        ORDER BY ${userOrder('page')}`,
      params,
    );
    const more = rows.length > limit;
    const shown = more ? rows.slice(0, limit) : rows;
    const users = await this.users.toUsers(shown);
    const last = shown.at(-1);
    return {
      members: shown.map((row, i) => ({
        ...(users[i] as User),
        lastReadId: row.last_read_id,
        role: row.role,
      })),
      nextCursor: more && last ? encodeCursor([last.sort_name, last.login]) : null,
    };
  }

  /** The global chat's capped list: the peers first (by name), then everyone else by name. */
  private globalFirstMembers(peers: string[]): Promise<MemberRow[]> {
    const columns = `cm.chat_id, cm.last_read_id::text AS last_read_id, cm.role, u.id, u.login, u.full_name`;
    const from = `users u JOIN chat_members cm ON cm.user_id = u.id AND cm.chat_id = '${GLOBAL_CHAT_ID}'`;
    return this.db.query(
      `SELECT chat_id, last_read_id, role, id, login, full_name FROM (
         (SELECT ${columns}, 0 AS rank, ${SORT_KEYS}
            FROM ${from} WHERE u.id = ANY($1::uuid[]) ORDER BY ${userOrder('u')} LIMIT $2)
         UNION ALL
         (SELECT ${columns}, 1 AS rank, ${SORT_KEYS}
            FROM ${from} WHERE u.id <> ALL($1::uuid[]) ORDER BY ${userOrder('u')} LIMIT $2)
       ) listed
       ORDER BY rank, k1, k2
       LIMIT $2`,
      [peers, LIMITS.chatMembersMax],
    );
  }
}

const SORT_KEYS = `lower(u.full_name) COLLATE "C" AS k1, u.login COLLATE "C" AS k2`;

type Cursor = [sortName: string, login: string];

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((part) => typeof part === 'string' && !part.includes('\u0000')) &&
    encodeCursor(value as Cursor) === text
  ) {
    return value as Cursor;
  }
  throw new AppError('invalid', 'after must be the nextCursor of a previous page');
}
