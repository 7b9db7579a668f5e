import { Logger, UseFilters, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { directPeers, type Ack, type Chat, type Empty, type HistoryPage } from '@chat/shared-types';
import { ChatsService } from '../chats/chats.service';
import { WsExceptionFilter } from '../common/filters/ws-exception.filter';
import { createValidationPipe } from '../common/validation';
import { GroupsService, createChat } from '../groups/groups.service';
import { MessagesService } from '../messages/messages.service';
import { Metrics } from '../operations/metrics';
import { ShutdownState } from '../operations/shutdown';
import { Broadcaster } from './broadcaster.service';
import {
  audienceRoom,
  presenceRoom,
  sessionRoom,
  userRoom,
  type ChatServer,
  type ChatSocket,
} from './chat-server';
import {
  CreateChatEventDto,
  HistoryEventDto,
  ReadEventDto,
  TypingEventDto,
} from './dto/chat-events.dto';
import { HandshakeAuth } from './handshake-auth';
import { PresenceTracker } from './presence-tracker';
import { SendFastPath } from './send-fast-path';

const ok = <T>(data: T): Ack<T> => ({ ok: true, data });
const EMPTY: Empty = {};
/** How long a drain waits for closed connections to be gone before the app closes anyway. */
const SOCKETS_GONE_MS = 2_000;

/** The fields every log line about a socket carries. */
const socketFields = (socket: ChatSocket) => ({
  requestId: socket.data.requestId,
  socketId: socket.id,
  userId: socket.data.user?.id,
});

/**
 * The Socket.IO side of the contract. A socket is authenticated once, at the handshake
 * (HandshakeAuth); it then sits in its user room, its session room, its presence room and
 * the room of every chat it belongs to. `message:send` is answered by SendFastPath; the other
 * events by the handlers below, whose errors become failed Acks (WsExceptionFilter).
 */
@WebSocketGateway({ serveClient: false })
@UseFilters(WsExceptionFilter)
@UsePipes(createValidationPipe())
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ChatGateway.name);

  constructor(
    private readonly handshake: HandshakeAuth,
    private readonly sends: SendFastPath,
    private readonly presence: PresenceTracker,
    private readonly broadcaster: Broadcaster,
    private readonly chats: ChatsService,
    private readonly groups: GroupsService,
    private readonly messages: MessagesService,
    private readonly metrics: Metrics,
    private readonly shutdown: ShutdownState,
  ) {}

  afterInit(server: ChatServer): void {
    this.broadcaster.attach(server);
    this.handshake.guard(server);
    const local = server.of('/').sockets;
    this.metrics.countSocketsWith(() => local.size);
    this.shutdown.onDrain(() => this.drain(server));
  }

  /**
   * Graceful shutdown (after the handshake started refusing): every send already read is
   * stored and acked, then each local socket's connection is closed (not `disconnect()`, which
   * clients take as final): clients reconnect by themselves, to another instance, and catch up.
   */
  private async drain(server: ChatServer): Promise<void> {
    await this.sends.drain();
    const local = server.of('/').sockets;
    this.logger.log(`Draining: closing ${local.size} sockets' connections so they reconnect`);
    for (const socket of local.values()) socket.conn.close();
    const deadline = Date.now() + SOCKETS_GONE_MS;
    while (local.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
    const { user, chatIds } = socket.data;
    this.sends.route(socket);
    try {
      await socket.join([
        userRoom(user.id),
        sessionRoom(user.sessionId),
        presenceRoom(socket.data.presence),
        ...chatIds,
        ...directPeers(user.id, chatIds).map(audienceRoom),
      ]);
      // A group removal may have run between the handshake's read of the chat ids and this
      // join: such a room is left again (ChatsService.groupsLeft waits for any removal in
      // progress, which holds the chat's lock until it commits).
      const gone = await this.chats.groupsLeft(user.id, chatIds);
      for (const chatId of gone) await socket.leave(chatId);
      socket.data.online = true;
      socket.emit('session', {
        user: { id: user.id, login: user.login, fullName: user.fullName, online: true },
      });
    } catch (error) {
      this.logger.warn({ ...socketFields(socket), error: String(error) }, 'socket set-up failed');
      socket.disconnect(true);
      return;
    }
    this.logger.log(socketFields(socket), 'socket connected');
    socket.once('disconnect', (reason) =>
      this.logger.log({ ...socketFields(socket), reason }, 'socket disconnected'),
    );
    await this.presence.connected(user.id, socket.id);
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    const { user, online } = socket.data;
    if (!user || !online) return;
    await this.presence.disconnected(user.id, socket.id);
  }

  @SubscribeMessage('chat:create')
  async createChat(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: CreateChatEventDto,
  ): Promise<Ack<Chat>> {
    const { chat } = await createChat(this.chats, this.groups, socket.data.user.id, payload);
    return ok(chat);
  }

  @SubscribeMessage('chat:history')
  async history(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: HistoryEventDto,
  ): Promise<Ack<HistoryPage>> {
    const { user } = socket.data;
    return ok(await this.messages.history(user.id, payload.chatId, payload, socket.rooms));
  }

  @SubscribeMessage('chat:read')
  async read(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: ReadEventDto,
  ): Promise<Ack<Empty>> {
    await this.chats.markRead(socket.data.user.id, payload.chatId, payload.upToId, socket.rooms);
    return ok(EMPTY);
  }

  @SubscribeMessage('typing')
  async typing(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: TypingEventDto,
  ): Promise<Ack<Empty>> {
    const { user } = socket.data;
    await this.chats.assertMember(user.id, payload.chatId, socket.rooms);
    socket.to(payload.chatId).except(userRoom(user.id)).volatile.emit('typing', {
      chatId: payload.chatId,
      userId: user.id,
      isTyping: payload.isTyping,
    });
    return ok(EMPTY);
  }
}
