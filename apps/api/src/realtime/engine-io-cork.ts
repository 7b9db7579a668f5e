import { Logger } from '@nestjs/common';
import type { Server } from 'socket.io';

/**
 * The Engine.IO internals this file relies on (engine.io 6.6, ws 8), checked by
 * engine-io-cork.spec.ts on a real server and client: a connection (`server.engine`'s
 * `connection` event) has a `transport` and emits `upgrade` with the new one; the WebSocket
 * transport is named `websocket`, sends a batch of packets in one `send(packets)`, and keeps
 * its ws socket in `socket`, whose `_socket` is the TCP socket.
 */
export interface EngineTransport {
  name: string;
  send(packets: unknown[]): void;
  socket?: { _socket?: { cork(): void; uncork(): void } };
}

interface EngineConnection {
  transport: EngineTransport;
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): void;
}

const corked = new WeakSet<EngineTransport>();
const logger = new Logger('EngineIoCork');
let warned = false;

/** Whether corkFrameWrites patched this transport (for its spec). */
export const isCorked = (transport: EngineTransport): boolean => corked.has(transport);

/**
 * Engine.IO sends the packets queued for a socket in one `send`, but writes each as its own
 * WebSocket frame with its own write syscall (an ack and the sender's copy of its message,
 * say). Corking the TCP socket for the length of that `send` hands them to the kernel in one
 * `writev`: the same frames in the same order, fewer syscalls (docs/benchmarks.md, W1).
 */
export function corkFrameWrites(server: Server): void {
  server.engine.on('connection', (conn: EngineConnection) => {
    cork(conn.transport);
    conn.on('upgrade', cork);
  });
}

function cork(transport: EngineTransport): void {
  if (transport.name !== 'websocket' || corked.has(transport)) return;
  const tcp = transport.socket?._socket;
  if (typeof tcp?.cork !== 'function' || typeof tcp.uncork !== 'function') {
    // Frames still go out, one write each: slower, not wrong. engine-io-cork.spec.ts fails.
    if (!warned) logger.warn('Engine.IO internals changed: frame writes are not corked');
    warned = true;
    return;
  }
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
}
