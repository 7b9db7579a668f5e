import type { ChatMember } from '../models';

/** POST /api/chats: 201 Chat when created, 200 Chat when it was already there. */
export interface CreateChatRequest {
  peerId: string;
}

/** POST /api/chats with a title: a new group, the caller its owner (201 Chat). */
export interface CreateGroupRequest {
  /** 1-64 characters after trimming. */
  title: string;
  /** 1-999 other users' ids; duplicates ignored, an unknown id is 404. */
  memberIds: string[];
}

/** PATCH /api/chats/:id (owner, admin) → 200 Chat. */
export interface RenameChatRequest {
  title: string;
}

/** POST /api/chats/:id/members (owner, admin) → 200 Chat. */
export interface AddMembersRequest {
  userIds: string[];
}

/** PATCH /api/chats/:id/members/:userId (owner) → 200 Chat. */
export interface SetRoleRequest {
  role: 'admin' | 'member';
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
