import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  isGroupTitle,
  isUuid,
  type Chat,
  type ChatRole,
  type SystemEvent,
  type SystemEventType,
} from '@chat/shared-types';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AppError, forbiddenChat } from '../common/app-error';
import { GROUP_TITLE_RULE } from '../common/decorators/is-group-title.decorator';
import { DomainEvents } from '../common/events/domain-events';
import { RoomMembership } from '../common/events/room-membership';
import { messagesConfig, type MessagesConfig } from '../config/configuration';
import { ChatsService, assertChatIdShape } from '../chats/chats.service';
import { MessageWriter } from '../messages/message-writer';
import {
  MESSAGE_COLUMNS,
  MESSAGE_FROM,
  toMessage,
  type MessageRow,
} from '../messages/message.mapper';

/** What one change of a group did, once committed: who to tell what. */
interface Outcome {
  chatId: string;
  /** The system message's id, or null when nothing changed (or the group is gone). */
  systemId: string | null;
  added: string[];
  removed: string[];
  /** Everyone still in the group afterwards. */
  members: string[];
  deleted: boolean;
}

interface Locked {
  client: PoolClient;
  chatId: string;
  actorId: string;
  /** Every member's role, read under the chat's lock. */
  roles: Map<string, { role: ChatRole; joinedAt: string }>;
  actorRole: ChatRole;
}

/**
 * Groups (contract "Groups"): every change of a group runs in the chat's MessageWriter lane as
 * one transaction that takes the chat's row lock first (the lock every message INSERT and
 * every change of a message takes), re-reads the roles under it, changes membership, writes
 * the system message (id and version taken under the lock, like any message's), moves the
 * sockets of the users who joined or left into or out of the room on every instance, and only
 * then commits. A message committed after a removal therefore waited for the lock until the
 * removed member's sockets were out of the room everywhere: its broadcast cannot reach them
 * (docs/architecture.md, "Groups").
 */
@Injectable()
export class GroupsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly chats: ChatsService,
    private readonly writer: MessageWriter,
    private readonly events: DomainEvents,
    private readonly rooms: RoomMembership,
    @Inject(messagesConfig.KEY) private readonly config: MessagesConfig,
  ) {}

  async create(actorId: string, title: string, memberIds: readonly string[]): Promise<Chat> {
    const name = groupTitle(title);
    const others = [...new Set(memberIds.map((id) => id.toLowerCase()))].filter(
      (id) => id !== actorId,
    );
    if (others.length === 0) throw new AppError('invalid', 'memberIds must name another user');
    this.assertSize(others.length + 1);
    const chatId = `g:${randomUUID()}`;
    const outcome = await this.writer.change(chatId, async (pool) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await assertUsers(client, others);
        await client.query(`INSERT INTO chats (id, kind, title) VALUES ($1, 'group', $2)`, [
          chatId,
          name,
        ]);
        await client.query(
          `INSERT INTO chat_members (chat_id, user_id, role, joined_at)
           SELECT $1, u, CASE WHEN u = $2 THEN 'owner' ELSE 'member' END,
                  now() + (ord - 1) * interval '1 microsecond'
             FROM unnest($3::uuid[]) WITH ORDINALITY AS t(u, ord) ORDER BY ord`,
          [chatId, actorId, [actorId, ...others]],
        );
        const systemId = await writeSystem(client, chatId, actorId, 'created', others, name);
        await client.query(`UPDATE chat_members SET last_read_id = $2 WHERE chat_id = $1`, [
          chatId,
          systemId,
        ]);
        const members = [actorId, ...others];
        await this.commitMoving(client, chatId, members, []);
        return { chatId, systemId, added: members, removed: [], members, deleted: false };
      } finally {
        client.release();
      }
    });
    await this.announce(outcome);
    return this.chats.get(actorId, chatId);
  }

  async rename(actorId: string, chatId: string, title: string): Promise<Chat> {
    const outcome = await this.change(actorId, chatId, async (g) => {
      requireRole(g, ['owner', 'admin'], 'rename the group');
      const name = groupTitle(title);
      const { rows } = await g.client.query<{ title: string }>(
        `SELECT title FROM chats WHERE id = $1`,
        [chatId],
      );
      if (rows[0]?.title === name) return null;
      await g.client.query(`UPDATE chats SET title = $2 WHERE id = $1`, [chatId, name]);
      return { type: 'renamed', userIds: [], title: name };
    });
    return this.after(actorId, outcome);
  }

  async add(actorId: string, chatId: string, userIds: readonly string[]): Promise<Chat> {
    const outcome = await this.change(actorId, chatId, async (g) => {
      requireRole(g, ['owner', 'admin'], 'add members');
      const wanted = [...new Set(userIds.map((id) => id.toLowerCase()))];
      await assertUsers(g.client, wanted);
      const fresh = wanted.filter((id) => !g.roles.has(id));
      if (fresh.length === 0) return null;
      this.assertSize(g.roles.size + fresh.length);
      await g.client.query(
        `INSERT INTO chat_members (chat_id, user_id, role, last_read_id, joined_at)
         SELECT $1, u, 'member', (SELECT max(id) FROM messages WHERE chat_id = $1),
                now() + (ord - 1) * interval '1 microsecond'
           FROM unnest($2::uuid[]) WITH ORDINALITY AS t(u, ord) ORDER BY ord`,
        [chatId, fresh],
      );
      return { type: 'added', userIds: fresh, title: null, join: fresh };
    });
    return this.after(actorId, outcome);
  }

  async setRole(actorId: string, chatId: string, userId: string, role: ChatRole): Promise<Chat> {
    const outcome = await this.change(actorId, chatId, async (g) => {
      const target = g.roles.get(assertUserId(userId));
      if (!target) throw new AppError('not_found', 'That user is not a member of this group');
      requireRole(g, ['owner'], 'change roles');
      if (target.role === 'owner') {
        throw new AppError('forbidden', 'The owner’s role cannot change');
      }
      if (target.role === role) return null;
      await g.client.query(
        `UPDATE chat_members SET role = $3 WHERE chat_id = $1 AND user_id = $2`,
        [chatId, userId, role],
      );
      return { type: 'role', userIds: [userId], title: null, role };
    });
    return this.after(actorId, outcome);
  }

  /** Removes a member, or (userId = the caller) leaves. */
  async remove(actorId: string, chatId: string, userId: string): Promise<void> {
    const outcome = await this.change(actorId, chatId, async (g) => {
      const leaving = assertUserId(userId) === actorId;
      const target = g.roles.get(userId);
      if (!target) throw new AppError('not_found', 'That user is not a member of this group');
      if (!leaving) {
        requireRole(g, ['owner', 'admin'], 'remove members');
        if (g.actorRole === 'admin' && target.role !== 'member') {
          throw new AppError('forbidden', 'An admin cannot remove the owner or another admin');
        }
      }
      await g.client.query(`DELETE FROM chat_members WHERE chat_id = $1 AND user_id = $2`, [
        chatId,
        userId,
      ]);
      g.roles.delete(userId);
      if (g.roles.size === 0) {
        await g.client.query(`DELETE FROM chats WHERE id = $1`, [chatId]);
        return { type: 'left', userIds: [userId], title: null, leave: [userId], deleted: true };
      }
      if (target.role === 'owner') {
        const heir = successor(g.roles);
        await g.client.query(
          `UPDATE chat_members SET role = 'owner' WHERE chat_id = $1 AND user_id = $2`,
          [chatId, heir],
        );
      }
      return {
        type: leaving ? 'left' : 'removed',
        userIds: [userId],
        title: null,
        leave: [userId],
      };
    });
    await this.announce(outcome);
  }

  /**
   * One change of an existing group under its lock: `apply` checks and changes, returning the
   * system event to write (null: nothing changed) and who joins or leaves the room.
   */
  private change(
    actorId: string,
    chatId: string,
    apply: (g: Locked) => Promise<
      | (Omit<SystemEvent, 'actorId'> & {
          join?: string[];
          leave?: string[];
          role?: ChatRole;
          deleted?: boolean;
        })
      | null
    >,
  ): Promise<Outcome> {
    assertChatIdShape(chatId);
    return this.writer.change(chatId, (pool: Pool) =>
      this.inTransaction(pool, async (client) => {
        const { rows: chat } = await client.query<{ kind: string }>(
          `SELECT kind FROM chats WHERE id = $1 FOR UPDATE`,
          [chatId],
        );
        const { rows } = await client.query<{ user_id: string; role: ChatRole; joined_at: string }>(
          `SELECT user_id, role, joined_at::text AS joined_at FROM chat_members WHERE chat_id = $1`,
          [chatId],
        );
        const roles = new Map(
          rows.map((r) => [r.user_id, { role: r.role, joinedAt: r.joined_at }]),
        );
        const actor = roles.get(actorId);
        if (!chat[0] || !actor) throw forbiddenChat();
        if (chat[0].kind !== 'group') {
          throw new AppError('forbidden', 'Only a group’s title, members and roles can change');
        }
        const members = [...roles.keys()];
        const done = await apply({ client, chatId, actorId, roles, actorRole: actor.role });
        if (!done) {
          await client.query('ROLLBACK');
          return { chatId, systemId: null, added: [], removed: [], members, deleted: false };
        }
        const systemId = done.deleted
          ? null
          : await writeSystem(
              client,
              chatId,
              actorId,
              done.type,
              done.userIds,
              done.title,
              done.role,
            );
        await this.commitMoving(client, chatId, done.join ?? [], done.leave ?? []);
        return {
          chatId,
          systemId,
          added: done.join ?? [],
          removed: done.leave ?? [],
          members: [...roles.keys()].concat(done.join ?? []),
          deleted: done.deleted === true,
        };
      }),
    );
  }

  private async inTransaction<T>(pool: Pool, run: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      return await run(client);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * The room moves first, on every instance, while the chat's lock is still held; then the
   * commit. Should the commit fail, the moves are undone (the change never happened).
   */
  private async commitMoving(
    client: PoolClient,
    chatId: string,
    join: readonly string[],
    leave: readonly string[],
  ): Promise<void> {
    try {
      await this.rooms.join(chatId, join);
      await this.rooms.leave(chatId, leave);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      await this.rooms.leave(chatId, join).catch(() => undefined);
      await this.rooms.join(chatId, leave).catch(() => undefined);
      throw error;
    }
  }

  private async after(actorId: string, outcome: Outcome): Promise<Chat> {
    await this.announce(outcome);
    return this.chats.get(actorId, outcome.chatId);
  }

  /** After the commit: the system message, then each member's view of the group. */
  private async announce(outcome: Outcome): Promise<void> {
    const { chatId, systemId } = outcome;
    if (outcome.removed.length > 0) {
      this.events.emit('chat.removed', { chatId, userIds: outcome.removed });
    }
    if (systemId === null) return;
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.id = $1`,
      [systemId],
    );
    const created = new Map<string, Chat>();
    const updated = new Map<string, Chat>();
    const added = new Set(outcome.added);
    for (const [userId, chat] of await this.chats.viewsOf(chatId, outcome.members)) {
      (added.has(userId) ? created : updated).set(userId, chat);
    }
    if (created.size > 0) this.events.emit('chat.created', { chatsByUser: created });
    const row = rows[0];
    if (row) this.events.emit('message.created', { message: toMessage(row) });
    if (updated.size > 0) this.events.emit('chat.updated', { chatsByUser: updated });
  }

  private assertSize(count: number): void {
    const max = this.config.maxGroupMembers;
    if (count > max) {
      throw new AppError('invalid', `A group has at most ${max} members, its owner included`);
    }
  }
}

function groupTitle(title: string): string {
  if (!isGroupTitle(title)) throw new AppError('invalid', `title ${GROUP_TITLE_RULE}`);
  return title.trim();
}

function assertUserId(userId: string): string {
  if (!isUuid(userId)) throw new AppError('not_found', 'That user is not a member of this group');
  return userId;
}

function requireRole(g: Locked, roles: ChatRole[], what: string): void {
  if (!roles.includes(g.actorRole)) {
    throw new AppError('forbidden', `Only the group's ${roles.join(' or ')} may ${what}`);
  }
}

/**
 * The admin who joined earliest, else the member who joined earliest. People added together
 * joined in the order they were named (joined_at one microsecond apart).
 */
function successor(roles: Map<string, { role: ChatRole; joinedAt: string }>): string {
  const order = [...roles].sort(
    ([a, x], [b, y]) =>
      Number(y.role === 'admin') - Number(x.role === 'admin') ||
      (x.joinedAt < y.joinedAt ? -1 : x.joinedAt > y.joinedAt ? 1 : a < b ? -1 : 1),
  );
  return (order[0] as [string, unknown])[0];
}

async function assertUsers(client: PoolClient, ids: readonly string[]): Promise<void> {
  if (ids.some((id) => !isUuid(id))) throw new AppError('not_found', 'No such user');
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM users WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  if (rows[0]?.n !== ids.length) throw new AppError('not_found', 'No such user');
}

/** The system message, its id and version taken under the chat's lock; the chat's version raised. */
async function writeSystem(
  client: PoolClient,
  chatId: string,
  actorId: string,
  type: SystemEventType,
  userIds: readonly string[],
  title: string | null,
  role?: ChatRole,
): Promise<string> {
  const event: SystemEvent = { type, actorId, userIds: [...userIds], title };
  const { rows: names } = await client.query<{ id: string; full_name: string }>(
    `SELECT id, full_name FROM users WHERE id = ANY($1::uuid[])`,
    [[actorId, ...userIds]],
  );
  const name = new Map(names.map((n) => [n.id, n.full_name]));
  const content = systemText(event, name, role);
  const { rows } = await client.query<{ id: string }>(
    `WITH m AS (
       INSERT INTO messages (chat_id, sender_id, client_id, content, system)
       VALUES ($1, $2, $3, $4, $5) RETURNING id, version
     ), touched AS (
       UPDATE chats c SET version = m.version, last_message_at = now() FROM m WHERE c.id = $1
     )
     SELECT id::text AS id FROM m`,
    [chatId, actorId, randomUUID(), content, JSON.stringify(event)],
  );
  return (rows[0] as { id: string }).id;
}

/** "Alice added Bob and Carol". */
export function systemText(
  event: SystemEvent,
  names: ReadonlyMap<string, string>,
  role?: ChatRole,
): string {
  const actor = names.get(event.actorId) ?? 'Someone';
  const people = listNames(event.userIds.map((id) => names.get(id) ?? 'someone'));
  switch (event.type) {
    case 'created':
      return `${actor} created the group “${event.title ?? ''}”`;
    case 'renamed':
      return `${actor} renamed the group to “${event.title ?? ''}”`;
    case 'added':
      return `${actor} added ${people}`;
    case 'removed':
      return `${actor} removed ${people}`;
    case 'left':
      return `${actor} left`;
    case 'role':
      return role === 'admin'
        ? `${actor} made ${people} an admin`
        : `${actor} made ${people} a member`;
  }
}

function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  if (names.length > 5) return `${names.slice(0, 4).join(', ')} and ${names.length - 4} others`;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/** POST /api/chats and `chat:create`: a direct chat for `{ peerId }`, else a group. */
export async function createChat(
  chats: ChatsService,
  groups: GroupsService,
  userId: string,
  body: {
    peerId?: string | undefined;
    title?: string | undefined;
    memberIds?: string[] | undefined;
  },
): Promise<{ chat: Chat; created: boolean }> {
  if (body.peerId !== undefined) {
    if (body.title !== undefined || body.memberIds !== undefined) {
      throw new AppError('invalid', 'Send either peerId or title and memberIds');
    }
    return chats.createDirect(userId, body.peerId);
  }
  const chat = await groups.create(userId, body.title ?? '', body.memberIds ?? []);
  return { chat, created: true };
}
