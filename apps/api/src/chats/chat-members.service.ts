import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  directPeers,
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
import { firstUsers, searchPattern, userOrder, userOrderKey } from '../users/user-search';
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
   * `Chat.members` of the given chats as a viewer with these direct-chat `peers` sees them:
   * every member of a direct chat and of a group of at most LIMITS.chatMembersMax; for the
   * global chat and larger groups that many, the peers first, then by name (contract "Size").
   * Two concurrent reads whatever the number of chats.
   */
  async forViewer(
    chatIds: readonly string[],
    peers: ReadonlySet<string>,
  ): Promise<Map<string, ChatMember[]>> {
    const others = chatIds.filter((id) => id !== GLOBAL_CHAT_ID);
    const [rows, global] = await Promise.all([
      this.membersOf(others, peers),
      others.length < chatIds.length ? this.globalFirstMembers(peers) : null,
    ]);
    const isPeer = (row: MemberRow) => peers.has(row.id);
    const listed = new Map<string, MemberRow[]>();
    for (const [chatId, members] of byChat(rows)) listed.set(chatId, capped(members, isPeer));
    if (global) listed.set(GLOBAL_CHAT_ID, peersFirst(global, isPeer));
    return this.toChatMembers(listed);
  }

  /**
   * A chat's `Chat.members` as each of `viewerIds` sees it (chat:created, chat:updated): a
   * group's or a direct chat's members are read once, and only a group too large to list whole
   * asks which of them each viewer has a direct chat with.
   */
  async viewsOf(chatId: string, viewerIds: readonly string[]): Promise<Map<string, ChatMember[]>> {
    const views = new Map<string, ChatMember[]>();
    if (chatId === GLOBAL_CHAT_ID) {
      // Everyone's own peers first: one short list each (no event sends All to its members).
      for (const viewerId of viewerIds) {
        const listed = await this.forViewer([chatId], await this.directPeersOf(viewerId));
        views.set(viewerId, listed.get(chatId) ?? []);
      }
      return views;
    }
    const rows = await this.membersOf([chatId], null);
    // Built once (presence included): each viewer's list is a choice among them.
    const members = (await this.toChatMembers(new Map([[chatId, rows]]))).get(chatId) ?? [];
    if (members.length <= LIMITS.chatMembersMax) {
      for (const viewerId of viewerIds) views.set(viewerId, members);
      return views;
    }
    const peers = await this.peersAmong(
      viewerIds,
      members.map((m) => m.id),
    );
    for (const viewerId of viewerIds) {
      const theirs = peers.get(viewerId);
      views.set(
        viewerId,
        capped(members, (member) => theirs?.has(member.id) === true),
      );
    }
    return views;
  }

  /** A page of the chat's members by name then login; the caller is a member (checked). */
  async page(chatId: string, query: MembersQueryDto): Promise<MembersPage> {
    const limit = query.limit ?? LIMITS.membersDefault;
    const after = query.after === undefined ? null : decodeCursor(query.after);
    const pattern = searchPattern(query.search);
    const params: unknown[] = [chatId, limit + 1];
    const where: string[] = [];
    const search = pattern === null ? null : `$${params.push(pattern)}`;
    if (after !== null) {
      const name = `$${params.push(after[0])}::text COLLATE "C"`;
      const login = `$${params.push(after[1])}::text COLLATE "C"`;
      where.push(`${userOrderKey('u')} > (${name}, ${login})`);
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
         FROM (${firstUsers({
           columns: 'u.id, u.login, u.full_name, lower(u.full_name) AS sort_name',
           from,
           where,
           pattern: search,
           limit: '$2',
         })}) page
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

  /**
   * The members of the chats (not the global chat), by chat, then by name and login: every
   * one, or with `peers` only those `capped` can list: each chat's first names (a range of
   * ix_chat_members_order, ties included) and the peers among its members. The users are then
   * looked up one member at a time (the subquery's OFFSET 0 keeps PostgreSQL from making it a
   * join): estimating a chat's members from chat_members, where `All` is most of the rows, it
   * otherwise hashed the whole users table, once per request or once per chat (W6: 2 s for a
   * user in 220 chats of 100,000 users).
   */
  private membersOf(
    chatIds: readonly string[],
    peers: ReadonlySet<string> | null,
  ): Promise<MemberRow[]> {
    if (chatIds.length === 0) return Promise.resolve([]);
    return this.db.query(
      `SELECT chat_id, last_read_id, role, id, login, full_name FROM (
         SELECT cm.chat_id, cm.last_read_id::text AS last_read_id, cm.role,
                u.id, u.login, u.full_name,
                row_number() OVER (PARTITION BY cm.chat_id ORDER BY ${userOrder('u')}) AS place
           FROM (SELECT first.* FROM unnest($1::text[]) AS chat(id)
                  CROSS JOIN LATERAL (
                    SELECT c.chat_id, c.user_id, c.last_read_id, c.role FROM chat_members c
                     WHERE c.chat_id = chat.id
                     ORDER BY c.sort_name FETCH FIRST $3 ROWS WITH TIES) first
                 UNION
                 SELECT c.chat_id, c.user_id, c.last_read_id, c.role FROM chat_members c
                  WHERE c.user_id = ANY($2::uuid[]) AND c.chat_id = ANY($1::text[])) cm
          CROSS JOIN LATERAL (
            SELECT u.id, u.login, u.full_name FROM users u WHERE u.id = cm.user_id OFFSET 0) u
       ) listed
        WHERE $3::int IS NULL OR place <= $3 OR id = ANY($2::uuid[])
        ORDER BY chat_id, place`,
      peers === null ? [chatIds, null, null] : [chatIds, [...peers], LIMITS.chatMembersMax],
    );
  }

  /** Whom the user has a direct chat with (their ids are in the chats' ids). */
  private async directPeersOf(userId: string): Promise<Set<string>> {
    const rows: { chat_id: string }[] = await this.db.query(
      `SELECT chat_id FROM chat_members WHERE user_id = $1 AND chat_id LIKE 'dm:%'`,
      [userId],
    );
    return new Set(
      directPeers(
        userId,
        rows.map((row) => row.chat_id),
      ),
    );
  }

  /** For each viewer, those of `candidates` they have a direct chat with. */
  private async peersAmong(
    viewerIds: readonly string[],
    candidates: readonly string[],
  ): Promise<Map<string, Set<string>>> {
    const rows: { viewer: string; peer: string }[] = await this.db.query(
      `SELECT me.user_id AS viewer, peer.user_id AS peer
         FROM chat_members me
         JOIN chat_members peer ON peer.chat_id = me.chat_id AND peer.user_id <> me.user_id
        WHERE me.user_id = ANY($1::uuid[]) AND me.chat_id LIKE 'dm:%'
          AND peer.user_id = ANY($2::uuid[])`,
      [viewerIds, candidates],
    );
    const peers = new Map<string, Set<string>>();
    for (const { viewer, peer } of rows) {
      const set = peers.get(viewer) ?? new Set<string>();
      set.add(peer);
      peers.set(viewer, set);
    }
    return peers;
  }

  /**
   * What the global chat's capped list is chosen from: the peers' own rows in `All` (by key,
   * however many), and the first names of everyone else (ix_users_name_order).
   */
  private globalFirstMembers(peers: ReadonlySet<string>): Promise<MemberRow[]> {
    const columns = `cm.chat_id, cm.last_read_id::text AS last_read_id, cm.role, u.id, u.login, u.full_name`;
    const from = `users u JOIN chat_members cm ON cm.user_id = u.id AND cm.chat_id = '${GLOBAL_CHAT_ID}'`;
    return this.db.query(
      `SELECT * FROM (
         (SELECT ${columns} FROM ${from} WHERE u.id = ANY($1::uuid[]))
         UNION ALL
         (SELECT ${columns} FROM ${from} WHERE u.id <> ALL($1::uuid[])
           ORDER BY ${userOrder('u')} LIMIT $2)) listed
        ORDER BY ${userOrder('listed')}`,
      [[...peers], LIMITS.chatMembersMax],
    );
  }

  private async toChatMembers(
    listed: Map<string, MemberRow[]>,
  ): Promise<Map<string, ChatMember[]>> {
    const rows = new Map([...listed.values()].flat().map((row) => [row.id, row]));
    const users = await this.users.toUsers([...rows.values()]);
    const byId = new Map(users.map((user) => [user.id, user]));
    const members = new Map<string, ChatMember[]>();
    for (const [chatId, chatRows] of listed) {
      members.set(
        chatId,
        chatRows.map((row) => {
          // Written out rather than spread: a chat list builds thousands of these.
          const user = byId.get(row.id) as User;
          return {
            id: user.id,
            login: user.login,
            fullName: user.fullName,
            online: user.online,
            lastReadId: row.last_read_id,
            role: row.role,
          };
        }),
      );
    }
    return members;
  }
}

/** Rows in chat order, grouped (their order within a chat kept). */
function byChat(rows: readonly MemberRow[]): Map<string, MemberRow[]> {
  const chats = new Map<string, MemberRow[]>();
  for (const row of rows) {
    const list = chats.get(row.chat_id);
    if (list) list.push(row);
    else chats.set(row.chat_id, [row]);
  }
  return chats;
}

/**
 * A group's or a direct chat's members (by name) as `Chat.members` lists them: all of them up
 * to the cap; past it, as the global chat's, `peersFirst`.
 */
function capped<M extends { id: string }>(members: M[], isPeer: (member: M) => boolean): M[] {
  return members.length <= LIMITS.chatMembersMax ? members : peersFirst(members, isPeer);
}

/** The viewer's direct-chat peers first, then the others, each by name, cut to the cap. */
function peersFirst<M extends { id: string }>(members: M[], isPeer: (member: M) => boolean): M[] {
  const first = members.filter(isPeer);
  const rest = members.filter((m) => !isPeer(m));
  return [...first, ...rest].slice(0, LIMITS.chatMembersMax);
}

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
