import type { Ack, ErrorCode, SessionEvent } from '@chat/shared-types';
import {
  SOCKET_TIMEOUT_MS,
  connectSession as connectSessionAt,
  handshakeError,
  openChatSocket,
  type ChatSocket,
} from '@chat/test-harness';
import { baseUrl } from './http';

export {
  SOCKET_TIMEOUT_MS,
  ackData,
  disconnection,
  emitAck,
  emitRaw,
  nextEvent,
  recordEvents,
  sleep,
  waitFor,
  type ChatSocket,
} from '@chat/test-harness';

const openSockets = new Set<ChatSocket>();

/** Starts connecting a socket (token omitted: none is sent). Closed by the global afterEach. */
export function openSocket(token?: string): ChatSocket {
  const socket = openChatSocket(baseUrl(), token);
  openSockets.add(socket);
  return socket;
}

/** Connects and resolves once the server has sent `session` (so every room is joined). */
export async function connectSocket(token: string): Promise<ChatSocket> {
  return (await connectSession(token)).socket;
}

/** connectSocket for each user, in order: one tab each, two for a user listed twice. */
export function connectSockets<const U extends readonly { token: string }[]>(
  users: U,
): Promise<{ -readonly [K in keyof U]: ChatSocket }> {
  return Promise.all(users.map((user) => connectSocket(user.token))) as Promise<{
    -readonly [K in keyof U]: ChatSocket;
  }>;
}

/** connectSocket, with the `session` event. Closed by the global afterEach. */
export async function connectSession(
  token: string,
): Promise<{ socket: ChatSocket; session: SessionEvent }> {
  // A socket that does not connect is closed by connectSessionAt itself.
  const connected = await connectSessionAt(baseUrl(), token, SOCKET_TIMEOUT_MS);
  openSockets.add(connected.socket);
  return connected;
}

/** Resolves with the `connect_error` a handshake fails with; rejects if it connects instead. */
export function connectError(token?: string): Promise<Error> {
  return handshakeError(openSocket(token), SOCKET_TIMEOUT_MS);
}

/** Closes a socket (the client side of closing a browser tab). */
export function closeSocket(socket: ChatSocket): void {
  openSockets.delete(socket);
  socket.disconnect();
}

export function closeAllSockets(): void {
  for (const socket of openSockets) socket.disconnect();
  openSockets.clear();
}

/** Asserts an error ack with exactly `{ ok: false, error: { code, message } }`. */
export function expectAckError(ack: Ack<unknown>, code: ErrorCode): void {
  expect(ack).toEqual({ ok: false, error: { code, message: expect.any(String) } });
}

/** How long to wait before concluding an event is not coming. */
export const QUIET_MS = 400;
