import {
  type ClientToServerEvents,
  type PresenceMode,
  type ServerToClientEvents,
} from '@chat/shared-types';
import type { Server, Socket } from 'socket.io';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import type { PresenceChange } from './presence-batch';

export interface SocketData {
  user: AuthenticatedUser;
  /** The chats (rooms) the user was in at the handshake. */
  chatIds: string[];
  /** Chosen at the handshake (`auth.presence`). */
  presence: PresenceMode;
  /** Set once the socket is set up (rooms joined): from then on it counts in presence. */
  online?: boolean;
  /** The users this socket watches (`presence:watch`), besides its direct-chat peers. */
  watching?: string[];
  /** The handshake's X-Request-Id (or a new id): every log line of the socket carries it. */
  requestId: string;
}

/** Between instances (through the Redis adapter): each instance's presence batch. */
export interface InterServerEvents {
  'presence:changes': (changes: PresenceChange[]) => void;
  /** A group's membership changed: these users' sockets join or leave its room; acked when done. */
  'room:move': (move: RoomMove, ack: (done: boolean) => void) => void;
}

export interface RoomMove {
  chatId: string;
  userIds: string[];
  join: boolean;
}

export type ChatServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/** Room names besides chat ids (which are rooms as they are). */
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** Every socket is in one of these, by the presence mode it chose at the handshake. */
export const presenceRoom = (mode: PresenceMode) => `presence:${mode}`;
/**
 * The sockets that hear a user's presence (contract "Size"): those of the users who share a
 * direct chat with them, and those watching them (`presence:watch`).
 */
export const audienceRoom = (userId: string) => `audience:${userId}`;
