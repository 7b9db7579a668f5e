import type { Message } from '../models';

/** GET /api/chats/:id/messages query: newest page when neither cursor is given. */
export interface HistoryQuery {
  before?: string;
  after?: string;
  /** A message of the chat to open the history at (not with before or after). */
  around?: string;
  /** 1-100, default 50. */
  limit?: number | string;
}

/**
 * Messages ascending by id. `hasMore`: older ones exist (newer ones, for `after`);
 * `hasMoreAfter`, only in an `around` page: newer ones exist.
 */
export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
  hasMoreAfter?: boolean;
}

/** POST /api/chats/:id/messages: 201 Message, 200 when clientId was already stored. */
export interface SendMessageBody {
  /** 1-4000 characters after trimming; may be empty when `attachmentIds` names any. */
  content: string;
  /** A UUID the sender generates per message. */
  clientId: string;
  /** The message this one answers: a message of the same chat, not deleted, else `invalid`. */
  replyToId?: string;
  /**
   * 0-10 uploads (POST /api/chats/:id/attachments) of the sender's to this chat that no other
   * message uses, else `invalid`. They are the message's `attachments`, in this order.
   */
  attachmentIds?: string[];
}

/** PATCH /api/chats/:id/messages/:messageId: 200 Message. Same content rules as sending. */
export interface EditMessageBody {
  content: string;
}

/** GET /api/chats/:id/changes query. */
export interface ChangesQuery {
  /** A version ('0' for everything): messages whose version is greater. */
  since: string;
  /** 1-500, default 100. */
  limit?: number | string;
}

/**
 * Every message of the chat whose version is greater than `since`, each once, in its current
 * state, ascending by version; `version` is the greatest returned (or `since` when none).
 * Ask again from `version` while `hasMore`.
 */
export interface ChangesPage {
  messages: Message[];
  hasMore: boolean;
  version: string;
}
