import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// Type-only, so erased when the relay is transpiled to plain JavaScript (compileRelay).
import type { Message } from '@chat/shared-types';
import { Server, type Socket } from 'socket.io';
import type { RelayCommands } from '../lib/protocol';
import { serveRpc } from '../lib/rpc';

/**
 * The bare Socket.IO relay: the ceiling for anything built on Socket.IO. Same server
 * options as the API (no per-message deflate, 64 KiB payload cap, WebSocket), same events,
 * payloads and rooms, but no authentication, no validation library and no database: the
 * handshake says who the user is and which rooms to join, messages get an in-memory id and
 * an in-memory per-chat log (which answers `chat:history` catch-up). No presence events.
 */

interface Handshake {
  userId: string;
  login: string;
  fullName: string;
  rooms: string[];
}

type AckFn = (answer: unknown) => void;

const LOG_PER_CHAT = 20_000;
const MAX_PAYLOAD_BYTES = 64 * 1024;

const logs = new Map<string, Message[]>();
let nextId = 0;

const http = createServer();
const io = new Server(http, {
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: MAX_PAYLOAD_BYTES,
});

const invalid = (ack: unknown, message: string) => {
  if (typeof ack === 'function') ack({ ok: false, error: { code: 'invalid', message } });
};

io.on('connection', (socket: Socket) => {
  const auth = socket.handshake.auth as Partial<Handshake>;
  if (typeof auth.userId !== 'string' || !Array.isArray(auth.rooms)) {
    socket.disconnect(true);
    return;
  }
  const user = { id: auth.userId, login: auth.login ?? '', fullName: auth.fullName ?? '' };
  // The in-memory adapter joins synchronously: the rooms are joined before `session` goes out.
  void socket.join([`user:${user.id}`, ...auth.rooms]);
  socket.emit('session', { user: { ...user, online: true } });

  socket.on('message:send', (payload: Record<string, unknown>, ack: AckFn) => {
    const { chatId, clientId, content } = payload ?? {};
    if (typeof chatId !== 'string' || typeof clientId !== 'string' || typeof content !== 'string') {
      return invalid(ack, 'chatId, clientId and content are required');
    }
    if (!socket.rooms.has(chatId)) {
      return ack({ ok: false, error: { code: 'forbidden', message: 'not a member' } });
    }
    // The API's new message, field for field, so both put the same bytes on the wire.
    const id = String(++nextId);
    const message: Message = {
      id,
      chatId,
      senderId: user.id,
      senderName: user.fullName,
      content: content.trim(),
      clientId,
      createdAt: new Date().toISOString(),
      replyTo: null,
      editedAt: null,
      deleted: false,
      reactions: [],
      version: id,
      system: null,
      attachments: [],
    };
    let log = logs.get(chatId);
    if (!log) logs.set(chatId, (log = []));
    log.push(message);
    if (log.length > LOG_PER_CHAT) log.splice(0, log.length - LOG_PER_CHAT);
    io.to(chatId).emit('message:new', message);
    ack({ ok: true, data: message });
  });

  socket.on('chat:history', (payload: Record<string, unknown>, ack: AckFn) => {
    const { chatId, after, before, limit } = payload ?? {};
    if (typeof chatId !== 'string' || !socket.rooms.has(chatId)) {
      return ack({ ok: false, error: { code: 'forbidden', message: 'not a member' } });
    }
    const max = typeof limit === 'number' ? limit : 50;
    const log = logs.get(chatId) ?? [];
    let page: Message[];
    let hasMore: boolean;
    if (typeof after === 'string') {
      const from = firstAbove(log, Number(after));
      page = log.slice(from, from + max);
      hasMore = log.length - from > max;
    } else {
      const to = typeof before === 'string' ? firstAbove(log, Number(before) - 1) : log.length;
      page = log.slice(Math.max(0, to - max), to);
      hasMore = to > max;
    }
    ack({ ok: true, data: { messages: page, hasMore } });
  });

  socket.on('typing', (_payload: unknown, ack: unknown) => invalid(ack, 'typing: ignored'));
});

/** Index of the first message with an id above `id` (logs are in id order). */
function firstAbove(log: Message[], id: number): number {
  let low = 0;
  let high = log.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (Number(log[mid]?.id) > id) high = mid;
    else low = mid + 1;
  }
  return low;
}

const listening = new Promise<number>((resolve) =>
  http.listen(0, '127.0.0.1', () => resolve((http.address() as AddressInfo).port)),
);

const gc = (globalThis as { gc?: () => void }).gc;

serveRpc<RelayCommands>({
  port: async () => ({ port: await listening }),
  gc: async () => {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
    gc?.();
    return { rssKiB: Math.round(process.memoryUsage.rss() / 1024) };
  },
});
