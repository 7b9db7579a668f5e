import type { ServerToClientEvents } from '@chat/shared-types';
import { io, type Socket } from 'socket.io-client';
import type { ChatSocket } from './chat-client';

type ServerEvent = keyof ServerToClientEvents;
export type ServerPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];

/** A socket without reconnection, resolved once the server has sent `session`. */
export function openSession(
  baseUrl: string,
  token: string,
  timeoutMs = 5_000,
): Promise<ChatSocket> {
  const socket: ChatSocket = io(baseUrl, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { token },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error(`no session from ${baseUrl} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('session', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(new Error(`connect_error from ${baseUrl}: ${error.message}`));
    });
  });
}

/** Resolves with the next `name` event matching `predicate`; rejects after `timeoutMs`. */
export function nextEvent<E extends ServerEvent>(
  socket: ChatSocket,
  name: E,
  predicate: (payload: ServerPayload<E>) => boolean,
  timeoutMs = 3_000,
): Promise<ServerPayload<E>> {
  const raw = socket as unknown as Socket;
  return new Promise((resolve, reject) => {
    const listener = (value: unknown) => {
      const payload = value as ServerPayload<E>;
      if (!predicate(payload)) return;
      clearTimeout(timer);
      raw.off(name as string, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      raw.off(name as string, listener);
      reject(new Error(`no matching ${name} within ${timeoutMs} ms`));
    }, timeoutMs);
    raw.on(name as string, listener);
  });
}

/** Records every `name` event from now on. */
export function record<E extends ServerEvent>(
  socket: ChatSocket,
  name: E,
): { events: ServerPayload<E>[]; stop: () => void } {
  const raw = socket as unknown as Socket;
  const events: ServerPayload<E>[] = [];
  const listener = (value: unknown) => events.push(value as ServerPayload<E>);
  raw.on(name as string, listener);
  return { events, stop: () => raw.off(name as string, listener) };
}

/** Resolves with the disconnect reason; rejects after `timeoutMs`. */
export function disconnection(socket: ChatSocket, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (socket.disconnected) return resolve('already disconnected');
    const timer = setTimeout(
      () => reject(new Error(`still connected after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}
