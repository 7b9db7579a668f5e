import type {
  Ack,
  ClientToServerEvents,
  ErrorCode,
  ServerToClientEvents,
  SessionEvent,
} from '@chat/shared-types';
import { io, Socket } from 'socket.io-client';
import { baseUrl } from './http';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
/** The same socket without the event maps, to send what the contract forbids. */
type UntypedSocket = Socket;

export type ServerEvent = keyof ServerToClientEvents;
export type ServerPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];
export type ClientEvent = keyof ClientToServerEvents;
export type ClientPayload<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
export type ClientAck<E extends ClientEvent> = Parameters<
  Parameters<ClientToServerEvents[E]>[1]
>[0];

const DEFAULT_TIMEOUT_MS = 3_000;
const openSockets = new Set<ChatSocket>();

/** Starts connecting a socket (token omitted: none is sent). Closed by the global afterEach. */
export function openSocket(token?: string): ChatSocket {
  const socket: ChatSocket = io(baseUrl(), {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: token === undefined ? {} : { token },
  });
  openSockets.add(socket);
  return socket;
}

/** Connects and resolves once the server has sent `session` (so every room is joined). */
export async function connectSocket(token: string): Promise<ChatSocket> {
  return (await connectSession(token)).socket;
}

export async function connectSession(
  token: string,
): Promise<{ socket: ChatSocket; session: SessionEvent }> {
  const socket = openSocket(token);
  const session = await new Promise<SessionEvent>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no session event within ${DEFAULT_TIMEOUT_MS} ms`)),
      DEFAULT_TIMEOUT_MS,
    );
    socket.once('session', (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(new Error(`connect_error: ${error.message}`));
    });
  });
  return { socket, session };
}

/** Resolves with the `connect_error` a handshake fails with; rejects if it connects instead. */
export function connectError(token?: string): Promise<Error> {
  const socket = openSocket(token);
  return new Promise<Error>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no connect_error within ${DEFAULT_TIMEOUT_MS} ms`)),
      DEFAULT_TIMEOUT_MS,
    );
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      resolve(error);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      reject(new Error('the handshake succeeded but should have failed'));
    });
  });
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

/** Emits a contract event and resolves with its acknowledgement. */
export function emitAck<E extends ClientEvent>(
  socket: ChatSocket,
  event: E,
  payload: ClientPayload<E>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<ClientAck<E>> {
  return emitRaw(socket, event, payload, timeoutMs) as Promise<ClientAck<E>>;
}

/** Emits anything (for invalid payloads) and resolves with whatever the server acknowledges. */
export function emitRaw(
  socket: ChatSocket,
  event: string,
  payload: unknown,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Ack<unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ack for ${event} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    (socket as unknown as UntypedSocket).emit(event, payload, (result: Ack<unknown>) => {
      clearTimeout(timer);
      resolve(result);
    });
  });
}

/** The data of a successful ack; fails the test with the ack when it is not ok. */
export function ackData<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected an ok ack, got ${JSON.stringify(ack)}`);
  return ack.data;
}

/** Asserts an error ack with exactly `{ ok: false, error: { code, message } }`. */
export function expectAckError(ack: Ack<unknown>, code: ErrorCode): void {
  expect(ack).toEqual({ ok: false, error: { code, message: expect.any(String) } });
}

/** Resolves with the next `name` event (matching `predicate`, if given). */
export function nextEvent<E extends ServerEvent>(
  socket: ChatSocket,
  name: E,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  predicate: (payload: ServerPayload<E>) => boolean = () => true,
): Promise<ServerPayload<E>> {
  const raw = socket as unknown as UntypedSocket;
  return new Promise((resolve, reject) => {
    const listener = (value: unknown): void => {
      const payload = value as ServerPayload<E>;
      if (!predicate(payload)) return;
      clearTimeout(timer);
      raw.off(name as string, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      raw.off(name as string, listener);
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    raw.on(name as string, listener);
  });
}

/** Records every `name` event from now on; `events` fills as they arrive. */
export function recordEvents<E extends ServerEvent>(
  socket: ChatSocket,
  name: E,
): { events: ServerPayload<E>[]; stop: () => void } {
  const raw = socket as unknown as UntypedSocket;
  const events: ServerPayload<E>[] = [];
  const listener = (value: unknown): void => {
    events.push(value as ServerPayload<E>);
  };
  raw.on(name as string, listener);
  return { events, stop: () => raw.off(name as string, listener) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true or the time is up. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** How long to wait before concluding an event is not coming. */
export const QUIET_MS = 400;
