import type { Message } from '@chat/shared-types';
import type { ChatClient, ChatView, SentMessage } from './chat-client';
import type { StoredRow } from './deployment';

export interface ViewCheck {
  shown: number;
  /** Stored after the view's start and up to the newest id it shows, yet not shown. */
  missing: number;
  /** Shown, yet not stored. */
  extra: number;
  /** Shown more than once as distinct ids (same sender and clientId, or same content). */
  duplicatesShown: number;
  /**
   * Order inversions: messages that arrived after a newer one of the chat (the list as
   * received did not strictly increase), plus any place the shown list does not.
   */
  inversions: number;
}

/** Compares what a client shows of a chat with the rows stored for it (ascending by id). */
export function checkView(view: ChatView, rowsOfChat: StoredRow[]): ViewCheck {
  const since = view.sinceId === null ? 0n : BigInt(view.sinceId);
  const shownIds = new Set(view.shown.map((message) => message.id));
  const storedIds = new Set(rowsOfChat.map((row) => row.id));
  let missing = 0;
  for (const row of rowsOfChat) {
    const id = BigInt(row.id);
    if (id > since && id <= view.lastId && !shownIds.has(row.id)) missing++;
  }
  const extra = view.shown.filter((message) => !storedIds.has(message.id)).length;
  return {
    shown: view.shown.length,
    missing,
    extra,
    duplicatesShown: duplicates(view.shown),
    inversions: view.lateArrivals + inversions(view.shown),
  };
}

export function inversions(messages: { id: string }[]): number {
  let count = 0;
  let previous: bigint | null = null;
  for (const message of messages) {
    const id = BigInt(message.id);
    if (previous !== null && id <= previous) count++;
    previous = id;
  }
  return count;
}

/** Entries beyond the first with the same (sender, clientId), or the same id. */
export function duplicates(messages: Pick<Message, 'id' | 'senderId' | 'clientId'>[]): number {
  const seen = new Set<string>();
  const ids = new Set<string>();
  let count = 0;
  for (const message of messages) {
    const key = `${message.senderId}/${message.clientId}`;
    if (seen.has(key) || ids.has(message.id)) count++;
    seen.add(key);
    ids.add(message.id);
  }
  return count;
}

/** Stored rows beyond the first for one logical message (same content, or sender+clientId). */
export function duplicatedRows(rows: StoredRow[]): number {
  const byContent = new Set<string>();
  const byClientId = new Set<string>();
  let count = 0;
  for (const row of rows) {
    const key = `${row.senderId}/${row.clientId}`;
    if (byContent.has(row.content) || byClientId.has(key)) count++;
    byContent.add(row.content);
    byClientId.add(key);
  }
  return count;
}

/** Rows grouped by chat, each ascending by id. */
export function rowsByChat(rows: StoredRow[]): Map<string, StoredRow[]> {
  const byChat = new Map<string, StoredRow[]>();
  for (const row of rows) {
    const list = byChat.get(row.chatId) ?? [];
    list.push(row);
    byChat.set(row.chatId, list);
  }
  return byChat;
}

export interface LossCheck {
  /** Acknowledged messages whose row is missing (or holds other content). */
  notStored: number;
  /** Acknowledged messages some member's client does not show. */
  notShown: number;
  details: string[];
}

/**
 * Every acknowledged message must be stored with its content and shown by every client that
 * shows its chat (`members`: the clients to check for each chat).
 */
export function checkAcked(
  sent: SentMessage[],
  rows: StoredRow[],
  members: (chatId: string) => ChatClient[],
): LossCheck {
  const stored = new Map(rows.map((row) => [row.id, row]));
  const result: LossCheck = { notStored: 0, notShown: 0, details: [] };
  for (const record of sent) {
    const message = record.message;
    if (!message) continue;
    const row = stored.get(message.id);
    if (!row || row.content !== record.content || row.clientId !== record.clientId) {
      result.notStored++;
      if (result.details.length < 10) {
        result.details.push(`acked ${message.id} (${record.content}) is not stored as sent`);
      }
    }
    for (const client of members(record.chatId)) {
      if (!client.views.get(record.chatId)?.has(message.id)) {
        result.notShown++;
        if (result.details.length < 10) {
          result.details.push(
            `${client.user.login} does not show ${message.id} in ${record.chatId}`,
          );
        }
      }
    }
  }
  return result;
}

export function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
