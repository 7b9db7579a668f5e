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
  HANDSHAKE_UNAUTHORIZED,
  type Ack,
  type Chat,
  type Empty,
  type HistoryPage,
  type Message,
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
import { sessionRoom, userRoom, type ChatServer, type ChatSocket } from './chat-server';
import {
  CreateChatEventDto,
  HistoryEventDto,
  ReadEventDto,
  SendMessageEventDto,
  TypingEventDto,
} from './dto/chat-events.dto';
import { FairQueue } from './fair-queue';
import { PresenceService } from './presence.service';

const ok = <T>(data: T): Ack<T> => ({ ok: true, data });
const EMPTY: Empty = {};

/**
 * The Socket.IO side of the contract. A socket is authenticated once, at the handshake; it
 * then sits in its user room, its session room and the room of every chat it belongs to.
 * Each client event answers with an Ack; errors become failed Acks (WsExceptionFilter).
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
      const token: unknown = socket.handshake.auth?.['token'];
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
    this.limitSends(socket);
    try {
      await socket.join([userRoom(user.id), sessionRoom(user.sessionId), ...chatIds]);
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
        this.broadcaster.presence(user.id, true, chatIds);
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
      this.broadcaster.presence(userId, false, await this.chats.memberChatIds(userId));
    } catch (error) {
      this.logger.warn(`Could not announce ${userId} offline: ${String(error)}`);
    }
  }

  @SubscribeMessage('message:send')
  async send(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: SendMessageEventDto,
  ): Promise<Ack<Message>> {
    const { message } = await this.messages.send(socket.data.user, payload.chatId, payload);
    return ok(message);
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
    return ok(await this.messages.history(socket.data.user.id, payload.chatId, payload));
  }

  @SubscribeMessage('chat:read')
  async read(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: ReadEventDto,
  ): Promise<Ack<Empty>> {
    await this.chats.markRead(socket.data.user.id, payload.chatId, payload.upToId);
    return ok(EMPTY);
  }

  @SubscribeMessage('typing')
  async typing(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: TypingEventDto,
  ): Promise<Ack<Empty>> {
    const { user } = socket.data;
    await this.chats.assertMember(user.id, payload.chatId);
    socket.to(payload.chatId).except(userRoom(user.id)).volatile.emit('typing', {
      chatId: payload.chatId,
      userId: user.id,
      isTyping: payload.isTyping,
    });
    return ok(EMPTY);
  }

  /**
   * Takes the sender's send token before a `message:send` packet reaches validation and the
   * handler, so a flood is answered `rate_limited` at almost no cost to other users; each
   * socket's sends take turns with other sockets' (FairQueue).
   */
  private limitSends(socket: ChatSocket): void {
    socket.use(([event, ...args], next) => {
      if (event !== 'message:send') return next();
      this.sends.push(socket.id, () =>
        this.limiter.take(socket.data.user.id).then(
          () => next(),
          (error: unknown) => {
            const ack = args.at(-1);
            const { code, message } = mapError(error);
            if (typeof ack === 'function') ack({ ok: false, error: { code, message } });
          },
        ),
      );
    });
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
