import type { Ack } from '@chat/shared-types';
import { io, type Socket } from 'socket.io-client';
import type { SecurityApi } from './api';

export interface SocketOptions {
  /** Sent as `auth.token`, the only place the API reads it from. */
  token?: string;
  auth?: Record<string, unknown>;
  query?: Record<string, string>;
  extraHeaders?: Record<string, string>;
  transports?: ('websocket' | 'polling')[];
}

const DEFAULT_TIMEOUT_MS = 4_000;
const openSockets = new Set<Socket>();

/** Starts a handshake (nothing else is added); closed by the global afterEach. */
export function openSocket(api: SecurityApi, options: SocketOptions = {}): Socket {
  api.remember(options.token);
  for (const value of Object.values(options.query ?? {})) api.remember(value);
  const socket = io(api.baseUrl, {
    transports: options.transports ?? ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: DEFAULT_TIMEOUT_MS,
    auth: options.auth ?? (options.token === undefined ? {} : { token: options.token }),
    query: options.query,
    extraHeaders: options.extraHeaders,
  });
  openSockets.add(socket);
  return socket;
}

export type HandshakeOutcome = { ok: true } | { ok: false; error: string };

/** Resolves once the server sent `session` (connected and in its rooms) or refused. */
export function handshake(
  socket: Socket,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const done = (outcome: HandshakeOutcome) => {
      clearTimeout(timer);
      socket.off('session', onSession);
      socket.off('connect_error', onError);
      resolve(outcome);
    };
    const onSession = () => done({ ok: true });
    const onError = (error: Error) => done({ ok: false, error: error.message });
    const timer = setTimeout(() => done({ ok: false, error: 'no answer (timeout)' }), timeoutMs);
    socket.on('session', onSession);
    socket.on('connect_error', onError);
  });
}

/** A socket that is connected and in its rooms; throws when the handshake fails. */
export async function connectSocket(api: SecurityApi, token: string): Promise<Socket> {
  const socket = openSocket(api, { token });
  const outcome = await handshake(socket);
  if (!outcome.ok) throw new Error(`socket handshake failed: ${outcome.error}`);
  return socket;
}

export function closeSocket(socket: Socket): void {
  openSockets.delete(socket);
  socket.disconnect();
}

export function closeAllSockets(): void {
  for (const socket of openSockets) socket.disconnect();
  openSockets.clear();
}

export type AckResult = Ack<unknown> | 'timeout' | 'disconnected';

/** Emits `event` with `args` and an ack callback; resolves with the ack, or why there is none. */
export function emitAck(
  socket: Socket,
  event: string,
  args: unknown[],
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<AckResult> {
  return new Promise((resolve) => {
    if (socket.disconnected) {
      resolve('disconnected');
      return;
    }
    const onDisconnect = () => done('disconnected');
    const done = (result: AckResult) => {
      clearTimeout(timer);
      socket.off('disconnect', onDisconnect);
      resolve(result);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.on('disconnect', onDisconnect);
    socket.emit(event, ...args, (ack: Ack<unknown>) => done(ack));
  });
}

/** `ack forbidden`, `ack ok`, `timeout`: an ack's outcome, for tallies. */
export function ackOutcome(result: AckResult): string {
  if (typeof result === 'string') return result;
  return result.ok ? 'ack ok' : `ack ${result.error.code}`;
}

export function isAckError(result: AckResult, code?: string): boolean {
  if (typeof result === 'string' || result.ok) return false;
  const keys = Object.keys(result).sort().join(',');
  const errorKeys = Object.keys(result.error).sort().join(',');
  return (
    keys === 'error,ok' &&
    errorKeys === 'code,message' &&
    typeof result.error.message === 'string' &&
    (code === undefined || result.error.code === code)
  );
}

export interface ReceivedEvent {
  event: string;
  args: unknown[];
  at: number;
}

/** Every event the server sends this socket from now on. */
export function recordEvents(socket: Socket): ReceivedEvent[] {
  const events: ReceivedEvent[] = [];
  socket.onAny((event: string, ...args: unknown[]) =>
    events.push({ event, args, at: performance.now() }),
  );
  return events;
}

/** Resolves with the disconnect reason, or null when the socket is still open after `timeoutMs`. */
export function disconnection(socket: Socket, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    if (socket.disconnected && !socket.active) {
      resolve('already disconnected');
      return;
    }
    const timer = setTimeout(() => {
      socket.off('disconnect', onDisconnect);
      resolve(null);
    }, timeoutMs);
    const onDisconnect = (reason: string) => {
      clearTimeout(timer);
      resolve(reason);
    };
    socket.once('disconnect', onDisconnect);
  });
}

export { sleep } from '@chat/test-harness';
