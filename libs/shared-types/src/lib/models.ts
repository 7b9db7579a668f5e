/** A user as every client sees them. `online` is true while any of their sockets is connected. */
export interface User {
  id: string;
  login: string;
  fullName: string;
  online: boolean;
}

/** A member of a chat. `lastReadId` is an addition to the contract: read receipts survive a reload. */
export interface ChatMember extends User {
  /** The member's last read message id in this chat, or null when nothing was read yet. */
  lastReadId: string | null;
}

/**
 * A stored message. `id` is a Postgres bigint as a string; it increases in the order the
 * server stored messages, so cursors compare numerically (`BigInt(a) < BigInt(b)`).
 */
export interface Message {
  id: string;
  chatId: string;
  senderId: string;
  senderName: string;
  content: string;
  clientId: string;
  /** ISO-8601 */
  createdAt: string;
}

export const CHAT_KINDS = ['global', 'direct'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

export interface Chat {
  id: string;
  kind: ChatKind;
  /** `All` for the global chat; the other member's fullName for a direct chat. */
  title: string;
  members: ChatMember[];
  lastMessage: Message | null;
  /** Messages with id > lastReadId not sent by the caller. */
  unreadCount: number;
  /** The caller's last read message id, or null when nothing was read yet. */
  lastReadId: string | null;
}
