import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { REQUEST_ID_HEADER, requestIdFrom } from '../operations/request-id';
import type { RedisConnections } from '../redis/redis.module';
import { corkFrameWrites } from './engine-io-cork';

/**
 * Socket.IO server options for the whole app: payload cap, origin allowlist (same-origin
 * when CORS_ORIGINS is empty), no per-message deflate, corked frame writes
 * (engine-io-cork.ts), and the Redis adapter when REDIS_URL is set.
 */
export class ChatIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: string[],
    private readonly maxPayloadBytes: number,
    private readonly redis: RedisConnections | null = null,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions) {
    const server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: this.maxPayloadBytes,
      perMessageDeflate: false,
      cors: this.corsOrigins.length > 0 ? { origin: this.corsOrigins } : undefined,
      allowRequest: (
        request: IncomingMessage,
        callback: (error: string | null, ok: boolean) => void,
      ) => {
        const origin = request.headers.origin;
        const allowed =
          !origin || this.corsOrigins.includes(origin) || sameHost(origin, request.headers.host);
        callback(null, allowed);
      },
    });
    corkFrameWrites(server);
    // The handshake's request id (the caller's X-Request-Id or a new one), returned to the
    // client and kept on the request for HandshakeAuth, so the socket's log lines carry it.
    server.engine.on(
      'initial_headers',
      (headers: Record<string, string>, request: IncomingMessage & { requestId?: string }) => {
        request.requestId = requestIdFrom(request.headers['x-request-id']);
        headers[REQUEST_ID_HEADER] = request.requestId;
      },
    );
    // Several instances: room broadcasts, joins and disconnects reach every instance's sockets.
    if (this.redis) {
      server.adapter(createAdapter(this.redis.pub, this.redis.sub));
      resyncAfterRedisOutage(server, this.redis);
    }
    return server;
  }
}

/** Non-browser clients send no Origin; a browser on this very host is same-origin. */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * While Redis is away, other instances' broadcasts do not arrive, and a client may already hold
 * newer messages than one it missed. When Redis is back, every local socket's connection is
 * closed: clients reconnect on their own and catch up from their last synced id.
 */
function resyncAfterRedisOutage(server: Server, redis: RedisConnections): void {
  const logger = new Logger('RedisResync');
  let lost = false;
  redis.sub.on('close', () => (lost = true));
  redis.sub.on('ready', () => {
    if (!lost) return;
    lost = false;
    const sockets = [...server.of('/').sockets.values()];
    logger.warn(`Redis is back: ${sockets.length} local sockets reconnect to catch up`);
    for (const socket of sockets) socket.conn.close();
  });
}
