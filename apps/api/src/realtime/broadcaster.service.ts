import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Chat, Message, ReadEvent } from '@chat/shared-types';
import { appConfig, type AppConfig } from '../config/configuration';
import { presenceRoom, sessionRoom, userRoom, type ChatServer } from './chat-server';
import { PresenceBatch } from './presence-batch';

/**
 * Sends server events to rooms. REST controllers and the gateway share it, so a message
 * sent over REST reaches sockets exactly like one sent over a socket.
 */
@Injectable()
export class Broadcaster implements OnModuleDestroy {
  private server: ChatServer | null = null;
  private readonly presenceBatch: PresenceBatch;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.presenceBatch = new PresenceBatch(config.presenceBatchMs, (changes) =>
      this.server?.to(presenceRoom('batched')).emit('presence:batch', { changes }),
    );
  }

  attach(server: ChatServer): void {
    this.server = server;
  }

  onModuleDestroy(): void {
    this.presenceBatch.stop();
  }

  messageCreated(message: Message): void {
    this.server?.to(message.chatId).emit('message:new', message);
  }

  /** Joins every socket of each member to the new room, then tells each its own view. */
  chatCreated(chatsByUser: ReadonlyMap<string, Chat>): void {
    const server = this.server;
    if (!server) return;
    for (const [userId, chat] of chatsByUser) {
      server.in(userRoom(userId)).socketsJoin(chat.id);
      server.to(userRoom(userId)).emit('chat:created', chat);
    }
  }

  chatRead(event: ReadEvent): void {
    this.server?.to(event.chatId).emit('chat:read', event);
  }

  /**
   * To the users who share a chat with `userId`: since every user is a member of the global
   * chat, that is every other user's sockets. `each` sockets hear it now, `batched` sockets
   * with the next `presence:batch`.
   */
  presence(userId: string, online: boolean): void {
    this.server
      ?.to(presenceRoom('each'))
      .except(userRoom(userId))
      .emit('presence', { userId, online });
    this.presenceBatch.add(userId, online);
  }

  /** Logout: the session's open sockets are closed at once. */
  endSession(sessionId: string): void {
    this.server?.in(sessionRoom(sessionId)).disconnectSockets(true);
  }
}
