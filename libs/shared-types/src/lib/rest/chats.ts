import type { ChatMember } from '../models';

/** POST /api/chats: 201 Chat when created, 200 Chat when it was already there. */
export interface CreateChatRequest {
  peerId: string;
}

/** POST /api/chats/:id/read (204) and the `chat:read` socket event. */
export interface MarkReadRequest {
  upToId: string;
}

/** GET /api/chats/:id/members query. Query values arrive as strings. */
export interface MembersQuery {
  /** Matches a prefix of login or fullName, case-insensitively. */
  search?: string;
  /** The `nextCursor` of the previous page. */
  after?: string;
  /** 1-100, default 50. */
  limit?: number | string;
}

/** GET /api/chats/:id/members: members ordered by fullName then login. */
export interface MembersPage {
  members: ChatMember[];
  /** Opaque; pass it as `after` for the next page. Null on the last page. */
  nextCursor: string | null;
}
