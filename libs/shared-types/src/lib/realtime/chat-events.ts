import type { Ack } from '../errors';
import type { Chat, Message, User } from '../models';
import type { ChangesPage, HistoryPage, SendMessageBody } from '../rest/messages';

export interface SendMessageRequest extends SendMessageBody {
  chatId: string;
}

/** `message:edit` → Message. */
export interface EditMessageRequest {
  chatId: string;
  messageId: string;
  content: string;
}

/** `message:delete` → Message (the tombstone). */
export interface DeleteMessageRequest {
  chatId: string;
  messageId: string;
}

/** `reaction:set` → Message: `on` sets the caller's `emoji`, `on: false` clears it. */
export interface ReactionRequest {
  chatId: string;
  messageId: string;
  emoji: string;
  on: boolean;
}

/** `chat:changes` → the same page as GET /api/chats/:id/changes. */
export interface ChangesRequest {
  chatId: string;
  since: string;
  limit?: number;
}

/** A direct chat ({ peerId }) or a group ({ title, memberIds }). */
export type CreateChatPayload = { peerId: string } | { title: string; memberIds: string[] };

/** `chat:removed`: the caller left the group or was removed; nothing of it reaches them now. */
export interface ChatRemovedEvent {
  chatId: string;
}

export interface HistoryRequest {
  chatId: string;
  before?: string;
  after?: string;
  around?: string;
  limit?: number;
}

export interface ReadRequest {
  chatId: string;
  upToId: string;
}

export interface TypingRequest {
  chatId: string;
  isTyping: boolean;
}

/** An empty ack payload (`{}`). */
export type Empty = Record<string, never>;

export interface SessionEvent {
  user: User;
}

export interface ReadEvent {
  chatId: string;
  userId: string;
  upToId: string;
}

export interface PresenceEvent {
  userId: string;
  online: boolean;
}

/**
 * Contract addition. How a socket hears of presence, chosen at the handshake
 * (`io(url, { auth: { token, presence: 'batched' } })`):
 * - `each` (the default, as in contract.md): a `presence` event per change;
 * - `batched`: instead, at most one `presence:batch` event per PRESENCE_BATCH_MS, carrying
 *   every user's latest change since the last one. A client that shows many members (the
 *   global chat) should ask for it: a thousand sockets coming online cost each socket a
 *   handful of frames instead of a thousand.
 */
export type PresenceMode = 'each' | 'batched';
export const PRESENCE_MODES: readonly PresenceMode[] = ['each', 'batched'];

/** The Socket.IO handshake's `auth` object. */
export interface HandshakeAuth {
  token: string;
  presence?: PresenceMode;
}

/**
 * `presence:batch`: the presence changes since the previous batch, in the order they happened,
 * at most one per user (a user who left and came back within the interval is not in it).
 * A socket hears the users it shares a direct chat with, and those it watches
 * (`presence:watch`); it may name the receiver's own user.
 */
export interface PresenceBatchEvent {
  changes: PresenceEvent[];
}

/**
 * `presence:watch`: the users whose presence the socket also wants (a member list, search
 * results on screen), at most LIMITS.presenceWatchMax; replaces the socket's previous watch
 * list (an empty list stops watching).
 */
export interface PresenceWatchRequest {
  userIds: string[];
}

/** The ack of `presence:watch`: those of the watched users online now. */
export interface PresenceWatchResult {
  online: string[];
}

export interface TypingEvent {
  chatId: string;
  userId: string;
  isTyping: boolean;
}

/** Events a client emits; each takes an acknowledgement callback. */
export interface ClientToServerEvents {
  'message:send': (payload: SendMessageRequest, ack: (result: Ack<Message>) => void) => void;
  'chat:create': (payload: CreateChatPayload, ack: (result: Ack<Chat>) => void) => void;
  'chat:history': (payload: HistoryRequest, ack: (result: Ack<HistoryPage>) => void) => void;
  'chat:read': (payload: ReadRequest, ack: (result: Ack<Empty>) => void) => void;
  typing: (payload: TypingRequest, ack: (result: Ack<Empty>) => void) => void;
  'presence:watch': (
    payload: PresenceWatchRequest,
    ack: (result: Ack<PresenceWatchResult>) => void,
  ) => void;
  'message:edit': (payload: EditMessageRequest, ack: (result: Ack<Message>) => void) => void;
  'message:delete': (payload: DeleteMessageRequest, ack: (result: Ack<Message>) => void) => void;
  'reaction:set': (payload: ReactionRequest, ack: (result: Ack<Message>) => void) => void;
  'chat:changes': (payload: ChangesRequest, ack: (result: Ack<ChangesPage>) => void) => void;
}

/** Events the server emits. */
export interface ServerToClientEvents {
  session: (payload: SessionEvent) => void;
  'message:new': (message: Message) => void;
  /** A message's new state after an edit, a deletion or a reaction change. */
  'message:updated': (message: Message) => void;
  'chat:created': (chat: Chat) => void;
  /** A group was renamed, or its members or roles changed: the chat as the receiver sees it. */
  'chat:updated': (chat: Chat) => void;
  'chat:removed': (payload: ChatRemovedEvent) => void;
  'chat:read': (payload: ReadEvent) => void;
  presence: (payload: PresenceEvent) => void;
  /** Contract addition: to sockets that asked for `presence: 'batched'` (see PresenceMode). */
  'presence:batch': (payload: PresenceBatchEvent) => void;
  typing: (payload: TypingEvent) => void;
}
