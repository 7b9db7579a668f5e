import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  isMessageId,
  LIMITS,
  type ChangesPage,
  type HistoryPage,
  type Message,
} from '@chat/shared-types';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { AppError, forbiddenChat } from '../common/app-error';
import { DomainEvents } from '../common/events/domain-events';
import { assertChatIdShape, ChatsService } from '../chats/chats.service';
import { ChangesQueryDto } from './dto/changes-query.dto';
import { HistoryQueryDto } from './dto/history-query.dto';
import { SendMessageDto } from './dto/send-message.dto';
import { DELETE, EDIT, REACT, UNREACT } from './message-changes';
import { MESSAGE_COLUMNS, MESSAGE_FROM, toMessage, type MessageRow } from './message.mapper';
import { MessageWriter } from './message-writer';

/** What a change of a message asks for; see MessagesService.change. */
type Change =
  | { kind: 'edit'; content: string }
  | { kind: 'delete' }
  | { kind: 'reaction'; emoji: string; on: boolean };

const notFound = () => new AppError('not_found', 'No such message in this chat');

export interface SentMessage {
  message: Message;
  /** False when (sender, clientId) was already stored: the stored message is returned. */
  created: boolean;
}

@Injectable()
export class MessagesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly chats: ChatsService,
    private readonly writer: MessageWriter,
    private readonly events: DomainEvents,
  ) {}

  /**
   * The caller has taken a send token (SendRateLimiter) already: the gateway does so before
   * a packet reaches the handlers, so a flood is refused at the door.
   * Stores the message (MessageWriter: membership checked, idempotent on (sender, clientId),
   * ids in commit order per chat), then announces it (`message.created`), before the caller
   * acks: the realtime layer hears it synchronously and emits it to the chat's room.
   */
  async send(sender: AuthenticatedUser, chatId: string, dto: SendMessageDto): Promise<SentMessage> {
    assertChatIdShape(chatId);
    const row = await this.writer.write({
      chatId,
      senderId: sender.id,
      senderName: sender.fullName,
      clientId: dto.clientId,
      content: dto.content,
      replyToId: dto.replyToId,
      attachmentIds: dto.attachmentIds,
    });
    if (row) {
      // A reply is read back for its MessageRef (the sender's name and the excerpt).
      const message = row.reply_to_id ? await this.byId(chatId, row.id) : toMessage(row);
      this.events.emit('message.created', { message });
      return { message, created: true };
    }
    return { message: await this.stored(sender.id, chatId, dto), created: false };
  }

  /** PATCH …/messages/:messageId, `message:edit`: `content` already trimmed and checked. */
  edit(user: AuthenticatedUser, chatId: string, messageId: string, content: string) {
    return this.change(user.id, chatId, messageId, { kind: 'edit', content });
  }

  /** DELETE …/messages/:messageId, `message:delete`: answers the tombstone. */
  remove(user: AuthenticatedUser, chatId: string, messageId: string) {
    return this.change(user.id, chatId, messageId, { kind: 'delete' });
  }

  /** PUT/DELETE …/reactions/:emoji, `reaction:set`: `emoji` already checked (isReactionEmoji). */
  react(user: AuthenticatedUser, chatId: string, messageId: string, emoji: string, on: boolean) {
    return this.change(user.id, chatId, messageId, { kind: 'reaction', emoji, on });
  }

  /**
   * Every message of the chat whose version is greater than `since`, once, in its current
   * state, ascending by version. Safe as a cursor: versions commit in order within a chat.
   */
  async changes(
    userId: string,
    chatId: string,
    query: ChangesQueryDto,
    knownChats?: ReadonlySet<string>,
  ): Promise<ChangesPage> {
    await this.chats.assertMember(userId, chatId, knownChats);
    const limit = query.limit ?? LIMITS.changesDefault;
    // (chat_id, version) as a range, as history does: only that index gives this order.
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM}
        WHERE m.chat_id >= $1 AND m.chat_id <= $1 AND m.version > $2
        ORDER BY m.chat_id, m.version
        LIMIT $3`,
      [chatId, query.since, limit + 1],
    );
    const messages = rows.slice(0, limit).map(toMessage);
    return {
      messages,
      hasMore: rows.length > limit,
      version: messages.at(-1)?.version ?? query.since,
    };
  }

  /**
   * One change, in the chat's writer lane (MessageWriter.changeMessage: one statement that
   * locks the chat, checks and applies, and takes the next version), announced as
   * `message.updated`.
   * When the statement changed nothing, the reason is looked up in the contract's order:
   * membership (forbidden), the message in that chat (not_found), the right to act
   * (forbidden), a 21st emoji (invalid); else it was a repeat, answered with the current state.
   */
  private async change(
    userId: string,
    chatId: string,
    messageId: string,
    change: Change,
  ): Promise<Message> {
    assertChatIdShape(chatId);
    const [statement, extra] =
      change.kind === 'edit'
        ? [EDIT, [change.content]]
        : change.kind === 'delete'
          ? [DELETE, []]
          : [change.on ? REACT : UNREACT, [change.emoji]];
    if (isMessageId(messageId)) {
      const values = [chatId, messageId, userId, ...extra];
      const rows = await this.writer.changeMessage(chatId, statement, values);
      const changed = rows.map(toMessage);
      // The message, and the replies to it when it was edited or deleted (their excerpt).
      for (const message of changed) this.events.emit('message.updated', { message });
      const message = changed.find((m) => m.id === messageId);
      if (message) return message;
    }
    return this.unchanged(userId, chatId, messageId, change);
  }

  /** Why a change changed nothing (and it stored nothing): an error, or the message as it is. */
  private async unchanged(
    userId: string,
    chatId: string,
    messageId: string,
    change: Change,
  ): Promise<Message> {
    await this.chats.assertMember(userId, chatId);
    if (!isMessageId(messageId)) throw notFound();
    const message = await this.byId(chatId, messageId);
    if (change.kind === 'edit' || change.kind === 'delete') {
      if (message.system) throw new AppError('forbidden', 'A system message cannot change');
      // A group's owner and admins delete anyone's message (a repeat answers the tombstone).
      const moderates = change.kind === 'delete' && (await this.moderates(userId, chatId));
      if (message.senderId !== userId && !moderates) {
        throw new AppError('forbidden', `Only its sender may ${change.kind} a message`);
      }
      if (change.kind === 'edit' && message.deleted) {
        throw new AppError('forbidden', 'A deleted message cannot be edited');
      }
      return message;
    }
    if (message.deleted || message.system) {
      throw new AppError('forbidden', 'A deleted or system message cannot be reacted to');
    }
    const mine = message.reactions.filter((r) => r.userIds.includes(userId));
    if (
      change.on &&
      !mine.some((r) => r.emoji === change.emoji) &&
      mine.length >= LIMITS.reactionsPerUserMax
    ) {
      throw new AppError(
        'invalid',
        `emoji: at most ${LIMITS.reactionsPerUserMax} different emoji per user on a message`,
      );
    }
    return message;
  }

  /** Whether the user is the owner or an admin of the chat (a group: roles exist nowhere else). */
  private async moderates(userId: string, chatId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM chat_members WHERE chat_id = $1 AND user_id = $2 AND role IN ('owner', 'admin')`,
      [chatId, userId],
    );
    return rows.length > 0;
  }

  /** A message of the chat as it is now, or not_found. */
  private async byId(chatId: string, messageId: string): Promise<Message> {
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.id = $1 AND m.chat_id = $2`,
      [messageId, chatId],
    );
    const row = rows[0];
    if (!row) throw notFound();
    return toMessage(row);
  }

  /**
   * Newest page without cursors; `before` pages back, `after` catches up. Ascending by id.
   * `knownChats`: see ChatsService.assertMember.
   */
  async history(
    userId: string,
    chatId: string,
    query: HistoryQueryDto,
    knownChats?: ReadonlySet<string>,
  ): Promise<HistoryPage> {
    await this.chats.assertMember(userId, chatId, knownChats);
    const limit = query.limit ?? LIMITS.pageDefault;
    if (query.around !== undefined) return this.around(chatId, query.around, limit);
    const forward = query.after !== undefined;
    // Ordered by (chat_id, id) with chat_id as a range: only the (chat_id, id) index can give
    // that order, so the planner never walks the primary key filtering other chats' rows.
    const direction = forward ? 'ASC' : 'DESC';
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS}
         FROM ${MESSAGE_FROM}
        WHERE m.chat_id >= $1 AND m.chat_id <= $1
          AND ($2::bigint IS NULL OR m.id < $2)
          AND ($3::bigint IS NULL OR m.id > $3)
        ORDER BY m.chat_id ${direction}, m.id ${direction}
        LIMIT $4`,
      [chatId, query.before ?? null, query.after ?? null, limit + 1],
    );
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).map(toMessage);
    return { messages: forward ? page : page.reverse(), hasMore };
  }

  /**
   * `limit` messages ascending with `messageId` among them, as near the middle as the history
   * allows. First the ids on each side (the message and up to `limit` older, up to `limit`
   * newer: two short scans of the (chat_id, id) index), to centre the window and slide it
   * towards whichever side has more; then the page itself, by an id range the planner sees
   * (in one statement it could not, and hashed the whole users table to join 50 rows).
   */
  private async around(chatId: string, messageId: string, limit: number): Promise<HistoryPage> {
    const [sides]: { older: string[]; newer: string[] }[] = await this.db.query(
      `SELECT ARRAY(SELECT m.id::text FROM messages m
                     WHERE m.chat_id >= $1 AND m.chat_id <= $1 AND m.id <= $2
                     ORDER BY m.chat_id DESC, m.id DESC LIMIT $3::int + 1) AS older,
              ARRAY(SELECT m.id::text FROM messages m
                     WHERE m.chat_id >= $1 AND m.chat_id <= $1 AND m.id > $2
                     ORDER BY m.chat_id, m.id LIMIT $3) AS newer`,
      [chatId, messageId, limit],
    );
    const [target, ...older] = sides?.older ?? [];
    const newer = sides?.newer ?? [];
    if (target !== messageId) throw notFound();
    const room = limit - 1;
    let before = Math.min(older.length, Math.floor(room / 2));
    const after = Math.min(newer.length, room - before);
    before = Math.min(older.length, room - after);
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM}
        WHERE m.chat_id >= $1 AND m.chat_id <= $1 AND m.id >= $2 AND m.id <= $3
        ORDER BY m.chat_id, m.id`,
      [chatId, before ? older[before - 1] : messageId, after ? newer[after - 1] : messageId],
    );
    return {
      messages: rows.map(toMessage),
      hasMore: older.length > before,
      hasMoreAfter: newer.length > after,
    };
  }

  /** The earlier answer to a repeated (sender, clientId), or why there is none. */
  private async stored(senderId: string, chatId: string, dto: SendMessageDto): Promise<Message> {
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM}
        WHERE m.sender_id = $1 AND m.client_id = $2`,
      [senderId, dto.clientId],
    );
    const row = rows[0];
    if (!row) {
      const attachments = (dto.attachmentIds?.length ?? 0) > 0;
      if (!dto.replyToId && !attachments) throw forbiddenChat();
      await this.chats.assertMember(senderId, chatId);
      throw new AppError(
        'invalid',
        dto.replyToId && !attachments
          ? 'replyToId must be a message of this chat, not deleted'
          : attachments && !dto.replyToId
            ? 'attachmentIds must be your uploads to this chat that no other message uses'
            : 'replyToId must be a live message of this chat and attachmentIds your unused uploads to it',
      );
    }
    if (row.chat_id !== chatId) {
      await this.chats.assertMember(senderId, chatId);
      throw new AppError('conflict', 'clientId was already used for a message in another chat');
    }
    return toMessage(row);
  }
}
