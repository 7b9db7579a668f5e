import type {
  Ack,
  ClientToServerEvents,
  PresenceMode,
  ServerToClientEvents,
  SessionEvent,
} from '@chat/shared-types';
import { io, type Socket } from 'socket.io-client';

/** A socket.io client typed with the contract's events. */
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

/** How long the socket helpers wait for an ack, an event, a session or a disconnect by default. */
export const SOCKET_TIMEOUT_MS = 3_000;

/**
 * Starts connecting a socket to the API at `baseUrl`: websocket only, a connection of its own,
 * no reconnection. `token` is sent as `auth.token` (omitted: none is sent), `presence` as
 * `auth.presence` (a PresenceMode; anything else is for testing the refusal).
 */
export function openChatSocket(baseUrl: string, token?: string, presence?: string): ChatSocket {
  return io(baseUrl, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: {
      ...(token === undefined ? {} : { token }),
      ...(presence === undefined ? {} : { presence }),
    },
  });
}

/**
 * Connects a socket (see openChatSocket) and resolves once the server has sent `session`, so
 * every room is joined. On `connect_error` or after `timeoutMs` it disconnects the socket and
 * rejects with `connect_error from <baseUrl>: <message>` or `no session from <baseUrl> …`.
 */
export function connectSession(
  baseUrl: string,
  token: string,
  timeoutMs = SOCKET_TIMEOUT_MS,
  presence?: PresenceMode,
): Promise<{ socket: ChatSocket; session: SessionEvent }> {
  const socket = openChatSocket(baseUrl, token, presence);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error(`no session from ${baseUrl} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('session', (session) => {
      clearTimeout(timer);
      resolve({ socket, session });
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(new Error(`connect_error from ${baseUrl}: ${error.message}`));
    });
  });
}

/** Resolves with the `connect_error` a handshake fails with; rejects if it connects instead. */
export function handshakeError(socket: ChatSocket, timeoutMs = SOCKET_TIMEOUT_MS): Promise<Error> {
  return new Promise<Error>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no connect_error within ${timeoutMs} ms`)),
      timeoutMs,
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

/** Emits a contract event and resolves with its acknowledgement. */
export function emitAck<E extends ClientEvent>(
  socket: ChatSocket,
  event: E,
  payload: ClientPayload<E>,
  timeoutMs = SOCKET_TIMEOUT_MS,
): Promise<ClientAck<E>> {
  return emitRaw(socket, event, payload, timeoutMs) as Promise<ClientAck<E>>;
}

/** Emits anything (for invalid payloads) and resolves with whatever the server acknowledges. */
export function emitRaw(
  socket: ChatSocket,
  event: string,
  payload: unknown,
  timeoutMs = SOCKET_TIMEOUT_MS,
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

/** The data of a successful ack; throws with the ack when it is not ok. */
export function ackData<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`expected an ok ack, got ${JSON.stringify(ack)}`);
  return ack.data;
}

/** Resolves with the next `name` event (matching `predicate`, if given); rejects after `timeoutMs`. */
export function nextEvent<E extends ServerEvent>(
  socket: ChatSocket,
  name: E,
  timeoutMs = SOCKET_TIMEOUT_MS,
  predicate: (payload: ServerPayload<E>) => boolean = () => true,
): Promise<ServerPayload<E>> {
  const raw = socket as unknown as UntypedSocket;
  // As a plain string, the untyped socket's on/off take an untyped listener.
  const event: string = name;
  return new Promise((resolve, reject) => {
    const listener = (value: unknown): void => {
      const payload = value as ServerPayload<E>;
      if (!predicate(payload)) return;
      clearTimeout(timer);
      raw.off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      raw.off(event, listener);
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    raw.on(event, listener);
  });
}

/** Resolves true if a `name` event arrives within `timeoutMs`, false otherwise. */
export function receives(
  socket: ChatSocket,
  name: ServerEvent,
  timeoutMs = SOCKET_TIMEOUT_MS,
): Promise<boolean> {
  return nextEvent(socket, name, timeoutMs).then(
    () => true,
    () => false,
  );
}

/** Records every `name` event from now on; `events` fills as they arrive. */
export function recordEvents<E extends ServerEvent>(
  socket: ChatSocket,
  name: E,
): { events: ServerPayload<E>[]; stop: () => void } {
  const raw = socket as unknown as UntypedSocket;
  const event: string = name;
  const events: ServerPayload<E>[] = [];
  const listener = (value: unknown): void => {
    events.push(value as ServerPayload<E>);
  };
  raw.on(event, listener);
  return { events, stop: () => raw.off(event, listener) };
}

/**
 * Resolves with the disconnect reason (`already disconnected` when it is); rejects after
 * `timeoutMs`.
 */
export function disconnection(socket: ChatSocket, timeoutMs = SOCKET_TIMEOUT_MS): Promise<string> {
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
