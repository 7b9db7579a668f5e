import type { Message } from '../models';

/** GET /api/chats/:id/messages query: newest page when neither cursor is given. */
export interface HistoryQuery {
  before?: string;
  after?: string;
  /** 1-100, default 50. */
  limit?: number | string;
}

/** Messages ascending by id. */
export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

/** POST /api/chats/:id/messages: 201 Message, 200 when clientId was already stored. */
export interface SendMessageBody {
  content: string;
  /** A UUID the sender generates per message. */
  clientId: string;
}
