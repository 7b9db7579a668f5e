import { Inject, Logger, UseFilters, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import {
  HANDSHAKE_INVALID,
  HANDSHAKE_UNAUTHORIZED,
  PRESENCE_MODES,
  type Ack,
  type Chat,
  type Empty,
  type HistoryPage,
  type Message,
  type PresenceMode,
} from '@chat/shared-types';
import { AuthService } from '../auth/auth.service';
import { ChatsService } from '../chats/chats.service';
import { mapError } from '../common/error-mapping';
import { WsExceptionFilter } from '../common/filters/ws-exception.filter';
import { createValidationPipe } from '../common/validation';
import { appConfig, type AppConfig } from '../config/configuration';
import { MessagesService } from '../messages/messages.service';
import { SendRateLimiter } from '../messages/send-rate-limiter';
import { Broadcaster } from './broadcaster.service';
import {
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
import { FairQueue } from './fair-queue';
import { PresenceService } from './presence.service';
import { parseSendMessage } from './send-message.payload';

type SendAck = (result: Ack<Message>) => void;

const ok = <T>(data: T): Ack<T> => ({ ok: true, data });
const EMPTY: Empty = {};

/**
 * The Socket.IO side of the contract. A socket is authenticated once, at the handshake; it
 * then sits in its user room, its session room and the room of every chat it belongs to.
 * Each client event answers with an Ack; errors become failed Acks (WsExceptionFilter, and
 * routeSends for `message:send`, the hot path).
 */
@WebSocketGateway({ serveClient: false })
@UseFilters(WsExceptionFilter)
@UsePipes(createValidationPipe())
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ChatGateway.name);

  constructor(
    private readonly auth: AuthService,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly presence: PresenceService,
    private readonly broadcaster: Broadcaster,
    private readonly limiter: SendRateLimiter,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  private readonly sends = new FairQueue();

  /** Users whose last socket closed here, not yet announced offline (a reload, a flaky link). */
  private readonly goingOffline = new Map<string, NodeJS.Timeout>();

  afterInit(server: ChatServer): void {
    this.broadcaster.attach(server);
    // Guards do not run on the handshake, so the token is checked here, once.
    server.use((socket, next) => {
      const auth: Record<string, unknown> = socket.handshake.auth ?? {};
      const { token, presence = 'each' } = auth;
      if (!PRESENCE_MODES.includes(presence as PresenceMode)) {
        next(new Error(HANDSHAKE_INVALID));
        return;
      }
      socket.data.presence = presence as PresenceMode;
      this.auth
        .authenticateSocket(typeof token === 'string' ? token : null)
        .then(({ user, chatIds }) => {
          socket.data.user = user;
          socket.data.chatIds = chatIds;
          next();
        })
        .catch((error: unknown) => {
          // A database outage is not the client's fault: it should retry, not sign out.
          const { code } = mapError(error);
          next(new Error(code === 'unauthorized' ? HANDSHAKE_UNAUTHORIZED : code));
        });
    });
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
    const { user, chatIds } = socket.data;
    this.routeSends(socket);
    try {
      await socket.join([
        userRoom(user.id),
        sessionRoom(user.sessionId),
        presenceRoom(socket.data.presence),
        ...chatIds,
      ]);
      this.expireWithToken(socket);
      socket.data.online = true;
      socket.emit('session', {
        user: { id: user.id, login: user.login, fullName: user.fullName, online: true },
      });
    } catch (error) {
      this.logger.warn(`Could not set up socket for ${user.id}: ${String(error)}`);
      socket.disconnect(true);
      return;
    }
    // Presence is best effort: a socket is not refused because Redis is away.
    try {
      const first = await this.presence.connected(user.id, socket.id);
      const pending = this.goingOffline.get(user.id);
      if (pending) {
        // Back within the grace period: peers were never told they left.
        clearTimeout(pending);
        this.goingOffline.delete(user.id);
      } else if (first) {
        this.broadcaster.presence(user.id, true);
      }
    } catch (error) {
      this.logger.warn(`Could not record ${user.id} coming online: ${String(error)}`);
    }
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    const { user, online } = socket.data;
    if (!user || !online) return;
    clearTimeout(socket.data.expiry);
    this.sends.forget(socket.id);
    try {
      if (!(await this.presence.disconnected(user.id, socket.id))) return;
      if (this.goingOffline.has(user.id)) return;
      const timer = setTimeout(
        () => void this.announceOffline(user.id),
        this.config.presenceGraceMs,
      ).unref();
      this.goingOffline.set(user.id, timer);
    } catch (error) {
      this.logger.warn(`Could not record ${user.id} going offline: ${String(error)}`);
    }
  }

  /**
   * After the grace period, peers hear `offline` unless a socket came back meanwhile (here or
   * on another instance). A reconnect storm thus sends no presence at all.
   */
  private async announceOffline(userId: string): Promise<void> {
    this.goingOffline.delete(userId);
    try {
      if (await this.presence.isOnline(userId)) return;
      this.broadcaster.presence(userId, false);
    } catch (error) {
      this.logger.warn(`Could not announce ${userId} offline: ${String(error)}`);
    }
  }

  @SubscribeMessage('chat:create')
  async createChat(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: CreateChatEventDto,
  ): Promise<Ack<Chat>> {
    const { chat } = await this.chats.createDirect(socket.data.user.id, payload.peerId);
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

  /**
   * `message:send` is the hot path, answered here in socket middleware instead of through
   * Nest's handler pipeline (execution context, pipes, rxjs, filters: a third of the main
   * thread's time per message in docs/benchmarks.md). Each socket's sends take turns with
   * other sockets' (FairQueue); the sender's send token is taken first, so a flood is answered
   * `rate_limited` at almost no cost to other users; then the payload is checked by hand with
   * the DTO's rules (parseSendMessage), and the message is stored and broadcast.
   */
  private routeSends(socket: ChatSocket): void {
    socket.use(([event, ...args], next) => {
      if (event !== 'message:send') return next();
      // As Nest's adapter reads a packet: a trailing function is the ack, one argument the data.
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as SendAck) : null;
      const data: unknown = args.length === 1 ? args[0] : args.length === 0 ? undefined : args;
      this.sends.push(
        socket.id,
        () => void this.send(socket, data).then((result) => ack?.(result)),
      );
    });
  }

  private async send(socket: ChatSocket, data: unknown): Promise<Ack<Message>> {
    try {
      const { user } = socket.data;
      await this.limiter.take(user.id);
      const payload = parseSendMessage(data);
      const { message } = await this.messages.send(user, payload.chatId, payload);
      return ok(message);
    } catch (error) {
      const { code, message } = mapError(error);
      return { ok: false, error: { code, message } };
    }
  }

  /** A socket lives no longer than the token it was opened with. */
  private expireWithToken(socket: ChatSocket): void {
    const ms = socket.data.user.expiresAt * 1000 - Date.now();
    socket.data.expiry = setTimeout(
      () => socket.disconnect(true),
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    ).unref();
  }
}
