import { Injectable } from '@nestjs/common';
import {
  HANDSHAKE_INVALID,
  HANDSHAKE_UNAUTHORIZED,
  PRESENCE_MODES,
  type PresenceMode,
} from '@chat/shared-types';
import { AuthService } from '../auth/auth.service';
import { mapError } from '../common/error-mapping';
import { requestIdFrom } from '../operations/request-id';
import { ShutdownState } from '../operations/shutdown';
import type { ChatServer, ChatSocket } from './chat-server';

/** The longest delay setTimeout takes; a later expiry is not reached by any real session. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Who a socket is, decided once, at the handshake (Nest's guards do not run there): the
 * presence mode it asks for, its token, and its live session with the user's chat ids (one
 * batched query for all the handshakes waiting, AuthService.authenticateSocket). A refused
 * handshake is a `connect_error` whose message is the contract's code. A socket lives no
 * longer than the token it was opened with.
 */
@Injectable()
export class HandshakeAuth {
  constructor(
    private readonly auth: AuthService,
    private readonly shutdown: ShutdownState,
  ) {}

  guard(server: ChatServer): void {
    server.use((socket, next) => this.identify(socket, next));
    server.on('connection', (socket) => this.expireWithToken(socket));
  }

  private identify(socket: ChatSocket, next: (error?: Error) => void): void {
    // The id ChatIoAdapter gave the Engine.IO handshake (and returned in its X-Request-Id).
    const { requestId } = socket.request as { requestId?: string };
    socket.data.requestId = requestId ?? requestIdFrom(socket.handshake.headers['x-request-id']);
    // A draining instance takes no new sockets: the client retries, reaching another instance.
    if (this.shutdown.draining) {
      next(new Error('unavailable'));
      return;
    }
    const auth: Record<string, unknown> = socket.handshake.auth ?? {};
    const { token, presence = 'each' } = auth;
    if (!isPresenceMode(presence)) {
      next(new Error(HANDSHAKE_INVALID));
      return;
    }
    socket.data.presence = presence;
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
  }

  private expireWithToken(socket: ChatSocket): void {
    const ms = socket.data.user.expiresAt * 1000 - Date.now();
    const timer = setTimeout(
      () => socket.disconnect(true),
      Math.max(0, Math.min(ms, MAX_TIMER_MS)),
    ).unref();
    socket.once('disconnect', () => clearTimeout(timer));
  }
}

const isPresenceMode = (value: unknown): value is PresenceMode =>
  PRESENCE_MODES.includes(value as PresenceMode);
