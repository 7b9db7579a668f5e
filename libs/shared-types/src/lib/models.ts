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
  /** In a group: owner, admin or member; always `member` outside groups. */
  role: ChatRole;
}

export const CHAT_ROLES = ['owner', 'admin', 'member'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

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
  /** The message this one answers, as it is now; set at send time, never changed. */
  replyTo: MessageRef | null;
  /** ISO-8601 of the last edit, or null when never edited. */
  editedAt: string | null;
  /**
   * A tombstone: keeps id, chatId, senderId, senderName, createdAt and version; content is ''
   * and there are no reactions or attachments.
   */
  deleted: boolean;
  /** In the order each emoji was first used on the message. */
  reactions: Reaction[];
  /**
   * A positive integer as a string. Every change of the message (sent, edited, deleted, a
   * reaction set or cleared) gives it a new version, greater than every earlier version in its
   * chat and committed in that order: a client that has seen version N is never later told of
   * an unseen change in that chat with a version <= N. Compare with BigInt.
   */
  version: string;
  /** A group event (see Groups); null for what people wrote (always null until groups exist). */
  system: SystemEvent | null;
  /** The files sent with the message, in the order `attachmentIds` named them; [] if deleted. */
  attachments: Attachment[];
}

/** The message a reply answers. `excerpt`: its first 200 characters; '' once it is deleted. */
export interface MessageRef {
  id: string;
  senderId: string;
  senderName: string;
  excerpt: string;
  deleted: boolean;
}

/** One emoji on a message: how many users set it, and who, in the order they did. */
export interface Reaction {
  emoji: string;
  count: number;
  userIds: string[];
}

export const SYSTEM_EVENT_TYPES = [
  'created',
  'renamed',
  'added',
  'removed',
  'left',
  'role',
] as const;
export type SystemEventType = (typeof SYSTEM_EVENT_TYPES)[number];

/** What a group's system message records (contract: Groups). */
export interface SystemEvent {
  type: SystemEventType;
  actorId: string;
  userIds: string[];
  /** For `created` and `renamed`, else null. */
  title: string | null;
}

export const ATTACHMENT_KINDS = ['image', 'file'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** A file uploaded to a chat (contract: Attachments). */
export interface Attachment {
  id: string;
  name: string;
  size: number;
  mime: string;
  kind: AttachmentKind;
  /** Images only, else null. */
  width: number | null;
  height: number | null;
  /** Signed and expiring: loads without an Authorization header. */
  url: string;
  /** Images only, else null. */
  thumbnailUrl: string | null;
}

export const CHAT_KINDS = ['global', 'direct', 'group'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

export interface Chat {
  id: string;
  kind: ChatKind;
  /** `All` for the global chat; the other member's fullName for a direct chat; a group's name. */
  title: string;
  /**
   * Every member of a direct chat; for the global chat at most LIMITS.chatMembersMax (those
   * the caller shares a direct chat with first, then by fullName): see `membersComplete`.
   */
  members: ChatMember[];
  /** How many members the chat has. */
  memberCount: number;
  /** False when `members` is not the whole list: page it with GET /api/chats/:id/members. */
  membersComplete: boolean;
  lastMessage: Message | null;
  /**
   * Messages with id > lastReadId not sent by the caller: exact up to LIMITS.unreadMax, any
   * number ≥ it above (show `999+`).
   */
  unreadCount: number;
  /** The caller's last read message id, or null when nothing was read yet. */
  lastReadId: string | null;
  /** The greatest message version in the chat ('0' if none): compare with the one applied. */
  version: string;
}
