import { Injectable } from '@nestjs/common';
import type { Chat, Message, ReadEvent } from '@chat/shared-types';
import { sessionRoom, userRoom, type ChatServer } from './chat-server';

/**
 * Sends server events to rooms. REST controllers and the gateway share it, so a message
 * sent over REST reaches sockets exactly like one sent over a socket.
 */
@Injectable()
export class Broadcaster {
  private server: ChatServer | null = null;

  attach(server: ChatServer): void {
    this.server = server;
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

  /** To the users who share a chat with `userId`, not to their own sockets. */
  presence(userId: string, online: boolean, chatIds: string[]): void {
    if (chatIds.length === 0) return;
    this.server?.to(chatIds).except(userRoom(userId)).emit('presence', { userId, online });
  }

  /** Logout: the session's open sockets are closed at once. */
  endSession(sessionId: string): void {
    this.server?.in(sessionRoom(sessionId)).disconnectSockets(true);
  }
}
