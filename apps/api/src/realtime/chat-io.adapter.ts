import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { RedisConnections } from '../redis/redis.module';

/**
 * Socket.IO server options for the whole app: payload cap, origin allowlist (same-origin
 * when CORS_ORIGINS is empty), no per-message deflate, and the Redis adapter when REDIS_URL
 * is set.
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
    coalesceFrameWrites(server);
    // Several instances: room broadcasts, joins and disconnects reach every instance's sockets.
    if (this.redis) {
      server.adapter(createAdapter(this.redis.pub, this.redis.sub));
      resyncAfterRedisOutage(server, this.redis);
    }
    return server;
  }
}

/** The parts of an Engine.IO WebSocket transport that coalesceFrameWrites touches. */
interface WebSocketTransport {
  name: string;
  send(packets: unknown[]): void;
  socket?: { _socket?: { cork(): void; uncork(): void } };
}

/**
 * Engine.IO sends the packets queued for a socket in one `send`, but writes each as its own
 * WebSocket frame with its own write syscall (an ack and the sender's copy of its message,
 * say). Corking the TCP socket for the length of that `send` hands them to the kernel in one
 * `writev`: the same frames in the same order, fewer syscalls (docs/benchmarks.md, W1).
 */
function coalesceFrameWrites(server: Server): void {
  const corked = new WeakSet<WebSocketTransport>();
  const cork = (transport: WebSocketTransport) => {
    const tcp = transport.socket?._socket;
    if (transport.name !== 'websocket' || !tcp || corked.has(transport)) return;
    corked.add(transport);
    const send = transport.send.bind(transport);
    transport.send = (packets) => {
      tcp.cork();
      try {
        send(packets);
      } finally {
        tcp.uncork();
      }
    };
  };
  type Connection = {
    transport: WebSocketTransport;
    on(event: 'upgrade', listener: (transport: WebSocketTransport) => void): void;
  };
  server.engine.on('connection', (conn: Connection) => {
    cork(conn.transport);
    conn.on('upgrade', cork);
  });
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
