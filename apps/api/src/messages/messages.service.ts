import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LIMITS, type HistoryPage, type Message } from '@chat/shared-types';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { AppError, forbiddenChat } from '../common/app-error';
import { DomainEvents } from '../common/events/domain-events';
import { assertChatIdShape, ChatsService } from '../chats/chats.service';
import { HistoryQueryDto } from './dto/history-query.dto';
import { SendMessageDto } from './dto/send-message.dto';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './message.mapper';
import { MessageWriter } from './message-writer';

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
    });
    if (row) {
      const message = toMessage(row);
      this.events.emit('message.created', { message });
      return { message, created: true };
    }
    return { message: await this.stored(sender.id, chatId, dto.clientId), created: false };
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
    const forward = query.after !== undefined;
    // Ordered by (chat_id, id) with chat_id as a range: only the (chat_id, id) index can give
    // that order, so the planner never walks the primary key filtering other chats' rows.
    const direction = forward ? 'ASC' : 'DESC';
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS}
         FROM messages m JOIN users u ON u.id = m.sender_id
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

  /** The earlier answer to a repeated (sender, clientId), or why there is none. */
  private async stored(senderId: string, chatId: string, clientId: string): Promise<Message> {
    const rows: MessageRow[] = await this.db.query(
      `SELECT ${MESSAGE_COLUMNS}
         FROM messages m JOIN users u ON u.id = m.sender_id
        WHERE m.sender_id = $1 AND m.client_id = $2`,
      [senderId, clientId],
    );
    const row = rows[0];
    if (!row) throw forbiddenChat();
    if (row.chat_id !== chatId) {
      await this.chats.assertMember(senderId, chatId);
      throw new AppError('conflict', 'clientId was already used for a message in another chat');
    }
    return toMessage(row);
  }
}
