import type { ClientToServerEvents, PresenceMode, ServerToClientEvents } from '@chat/shared-types';
import type { Server, Socket } from 'socket.io';
import type { AuthenticatedUser } from '../auth/authenticated-user';

export interface SocketData {
  user: AuthenticatedUser;
  /** The chats (rooms) the user was in at the handshake. */
  chatIds: string[];
  /** Chosen at the handshake (`auth.presence`). */
  presence: PresenceMode;
  /** Set once the socket is set up (rooms joined): from then on it counts in presence. */
  online?: boolean;
  /** The handshake's X-Request-Id (or a new id): every log line of the socket carries it. */
  requestId: string;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type NoInterServerEvents = {};

export type ChatServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  NoInterServerEvents,
  SocketData
>;
export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  NoInterServerEvents,
  SocketData
>;

/** Room names besides chat ids (which are rooms as they are). */
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** Every socket is in one of these, by the presence mode it chose at the handshake. */
export const presenceRoom = (mode: PresenceMode) => `presence:${mode}`;
