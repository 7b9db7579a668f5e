import type { Ack } from '../errors';
import type { Chat, Message, User } from '../models';
import type { HistoryPage, SendMessageBody } from '../rest/messages';

export interface SendMessageRequest extends SendMessageBody {
  chatId: string;
}

export interface CreateChatPayload {
  peerId: string;
}

export interface HistoryRequest {
  chatId: string;
  before?: string;
  after?: string;
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
}

/** Events the server emits. */
export interface ServerToClientEvents {
  session: (payload: SessionEvent) => void;
  'message:new': (message: Message) => void;
  'chat:created': (chat: Chat) => void;
  'chat:read': (payload: ReadEvent) => void;
  presence: (payload: PresenceEvent) => void;
  typing: (payload: TypingEvent) => void;
}
