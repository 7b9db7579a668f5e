import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Chat, Message, PresenceEvent, ReadEvent } from '@chat/shared-types';
import { DomainEvents } from '../common/events/domain-events';
import { RoomMembership } from '../common/events/room-membership';
import { appConfig, type AppConfig } from '../config/configuration';
import {
  audienceRoom,
  presenceRoom,
  sessionRoom,
  userRoom,
  type ChatServer,
  type RoomMove,
} from './chat-server';
import { PresenceBatch, type PresenceChange } from './presence-batch';

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
  /** Other instances exist only through Redis; without it there is no one to tell. */
  private readonly shared: boolean;

  constructor(
    private readonly events: DomainEvents,
    @Inject(appConfig.KEY) config: AppConfig,
    rooms: RoomMembership,
  ) {
    rooms.register({
      join: (chatId, userIds) => this.moveEverywhere({ chatId, userIds: [...userIds], join: true }),
      leave: (chatId, userIds) =>
        this.moveEverywhere({ chatId, userIds: [...userIds], join: false }),
    });
    this.shared = config.redisUrl !== null;
    this.presenceBatch = new PresenceBatch(config.presenceBatchMs, (changes) => {
      if (this.shared) this.server?.serverSideEmit('presence:changes', changes);
      this.deliverBatch(changes);
    });
  }

  attach(server: ChatServer): void {
    this.server = server;
    server.on('presence:changes', (changes) => this.deliverBatch(changes));
    server.on('room:move', (move, ack) => {
      this.moveHere(move);
      ack(true);
    });
  }

  /**
   * Moves the users' sockets into or out of a group's room here, then on every other instance,
   * and resolves once each has answered (serverSideEmitWithAck through the Redis adapter): a
   * removal is acknowledged only after this (GroupsService). An instance that does not answer
   * within the adapter's requestsTimeout (5 s) fails the change, which is then rolled back.
   */
  private async moveEverywhere(move: RoomMove): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.moveHere(move);
    if (!this.shared) return;
    await server.serverSideEmitWithAck('room:move', move);
  }

  private moveHere({ chatId, userIds, join }: RoomMove): void {
    const local = this.server?.local.in(userIds.map(userRoom));
    if (join) local?.socketsJoin(chatId);
    else local?.socketsLeave(chatId);
  }

  onModuleInit(): void {
    this.unsubscribe.push(
      this.events.on('message.created', ({ message }) => this.messageCreated(message)),
      this.events.on('message.updated', ({ message }) => this.messageUpdated(message)),
      this.events.on('chat.created', ({ chatsByUser }) => this.chatCreated(chatsByUser)),
      this.events.on('chat.updated', ({ chatsByUser }) => this.chatUpdated(chatsByUser)),
      this.events.on('chat.removed', ({ chatId, userIds }) => this.chatRemoved(chatId, userIds)),
      this.events.on('chat.read', (event) => this.chatRead(event)),
      this.events.on('session.ended', ({ sessionId }) => this.endSession(sessionId)),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.presenceBatch.stop();
  }

  /**
   * To the user's audience (audienceRoom: who shares a direct chat with them, or watches
   * them) and to the members of the user's groups (`groups`: their rooms), not to everyone in
   * the global chat, and not to the user's own sockets. `each` sockets hear it now, on every
   * instance through the adapter, once however many of those rooms they are in; `batched`
   * sockets with their next `presence:batch`.
   */
  presence(userId: string, online: boolean, groups: readonly string[] = []): void {
    this.server
      ?.to([audienceRoom(userId), ...groups])
      .except([presenceRoom('batched'), userRoom(userId)])
      .emit('presence', { userId, online });
    this.presenceBatch.add(userId, online, groups);
  }

  /**
   * One instance's batch, to this instance's `batched` sockets: each gets one `presence:batch`
   * with the changes its audience and group rooms cover, in order. The work is a few room
   * lookups per change and one push per delivery; sockets that hear none of it cost nothing.
   */
  private deliverBatch(changes: readonly PresenceChange[]): void {
    const local = this.server?.sockets;
    if (!local) return;
    const rooms = local.adapter.rooms;
    const bySocket = new Map<string, PresenceEvent[]>();
    for (const { userId, online, rooms: groups } of changes) {
      const event = { userId, online };
      const own = rooms.get(userRoom(userId));
      const hearers = new Set(rooms.get(audienceRoom(userId)));
      for (const group of groups) for (const id of rooms.get(group) ?? []) hearers.add(id);
      for (const socketId of hearers) {
        if (own?.has(socketId)) continue;
        const heard = bySocket.get(socketId);
        if (heard) heard.push(event);
        else bySocket.set(socketId, [event]);
      }
    }
    for (const [socketId, heard] of bySocket) {
      const socket = local.sockets.get(socketId);
      if (socket?.data.presence === 'batched') socket.emit('presence:batch', { changes: heard });
    }
  }

  private messageCreated(message: Message): void {
    this.server?.to(message.chatId).emit('message:new', message);
  }

  private messageUpdated(message: Message): void {
    this.server?.to(message.chatId).emit('message:updated', message);
  }

  /**
   * Joins every socket of each member to the new room and to the other members' audience
   * rooms (they hear each other's presence from now on), then tells each its own view.
   */
  private chatCreated(chatsByUser: ReadonlyMap<string, Chat>): void {
    const server = this.server;
    if (!server) return;
    const memberIds = [...chatsByUser.keys()];
    for (const [userId, chat] of chatsByUser) {
      // A group's members are in its room already (joined before its commit, GroupsService).
      if (chat.kind === 'direct') {
        const others = memberIds.filter((id) => id !== userId);
        server.in(userRoom(userId)).socketsJoin([chat.id, ...others.map(audienceRoom)]);
      }
      server.to(userRoom(userId)).emit('chat:created', chat);
    }
  }

  /** Each member's own view of a group that changed. */
  private chatUpdated(chatsByUser: ReadonlyMap<string, Chat>): void {
    for (const [userId, chat] of chatsByUser) {
      this.server?.to(userRoom(userId)).emit('chat:updated', chat);
    }
  }

  /** To the former members' sockets (out of the room already): the group is gone for them. */
  private chatRemoved(chatId: string, userIds: readonly string[]): void {
    if (userIds.length === 0) return;
    this.server?.to(userIds.map(userRoom)).emit('chat:removed', { chatId });
  }

  private chatRead(event: ReadEvent): void {
    this.server?.to(event.chatId).emit('chat:read', event);
  }

  /** Logout: the session's open sockets are closed at once. */
  private endSession(sessionId: string): void {
    this.server?.in(sessionRoom(sessionId)).disconnectSockets(true);
  }
}
