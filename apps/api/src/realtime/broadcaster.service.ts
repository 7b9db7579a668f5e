import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Chat, Message, ReadEvent } from '@chat/shared-types';
import { DomainEvents } from '../common/events/domain-events';
import { appConfig, type AppConfig } from '../config/configuration';
import { presenceRoom, sessionRoom, userRoom, type ChatServer } from './chat-server';
import { PresenceBatch } from './presence-batch';

/**
 * Decides who hears what happened: it listens to the domain events the feature services emit
 * (whether the work came over REST or a socket) and sends each to the rooms that should get
 * it. Presence, which only the realtime layer knows about, comes from PresenceTracker.
 */
@Injectable()
export class Broadcaster implements OnModuleInit, OnModuleDestroy {
  private server: ChatServer | null = null;
  private readonly presenceBatch: PresenceBatch;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly events: DomainEvents,
    @Inject(appConfig.KEY) config: AppConfig,
  ) {
    this.presenceBatch = new PresenceBatch(config.presenceBatchMs, (changes) =>
      this.server?.to(presenceRoom('batched')).emit('presence:batch', { changes }),
    );
  }

  attach(server: ChatServer): void {
    this.server = server;
  }

  onModuleInit(): void {
    this.unsubscribe.push(
      this.events.on('message.created', ({ message }) => this.messageCreated(message)),
      this.events.on('chat.created', ({ chatsByUser }) => this.chatCreated(chatsByUser)),
      this.events.on('chat.read', (event) => this.chatRead(event)),
      this.events.on('session.ended', ({ sessionId }) => this.endSession(sessionId)),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.presenceBatch.stop();
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

  private messageCreated(message: Message): void {
    this.server?.to(message.chatId).emit('message:new', message);
  }

  /** Joins every socket of each member to the new room, then tells each its own view. */
  private chatCreated(chatsByUser: ReadonlyMap<string, Chat>): void {
    const server = this.server;
    if (!server) return;
    for (const [userId, chat] of chatsByUser) {
      server.in(userRoom(userId)).socketsJoin(chat.id);
      server.to(userRoom(userId)).emit('chat:created', chat);
    }
  }

  private chatRead(event: ReadEvent): void {
    this.server?.to(event.chatId).emit('chat:read', event);
  }

  /** Logout: the session's open sockets are closed at once. */
  private endSession(sessionId: string): void {
    this.server?.in(sessionRoom(sessionId)).disconnectSockets(true);
  }
}
