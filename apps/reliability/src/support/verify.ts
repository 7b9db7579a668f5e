import type { Message } from '@chat/shared-types';
import type { ChangeRecord, ChatClient, ChatView, SentMessage } from './chat-client';
import type { StoredRow, StoredState } from './deployment';

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
    // Tombstones all hold '': only their clientId tells them apart.
    if ((row.content !== '' && byContent.has(row.content)) || byClientId.has(key)) count++;
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
  /** Messages edited or deleted since: their content is checked by checkAckedChanges. */
  changed: ReadonlySet<string> = new Set(),
): LossCheck {
  const stored = new Map(rows.map((row) => [row.id, row]));
  const result: LossCheck = { notStored: 0, notShown: 0, details: [] };
  for (const record of sent) {
    const message = record.message;
    if (!message) continue;
    const row = stored.get(message.id);
    const contentKept = changed.has(message.id) || row?.content === record.content;
    if (!row || !contentKept || row.clientId !== record.clientId) {
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

export interface StateCheck {
  /** Stored messages of the view's window whose state the view shows otherwise, or not at all. */
  differing: number;
  /** Stored messages changed since the view began following changes that no page gave as now. */
  missedByChanges: number;
  details: string[];
}

/**
 * After the final catch-up, a view must show every stored message of its window in its stored
 * state (content, deleted, editedAt, version, reactions with their users in order), and the
 * `changes` pages alone must have given each message changed since the view started following
 * them at its stored version.
 */
export function checkStates(
  view: ChatView,
  states: StoredState[],
  changesFrom: bigint,
  /**
   * The senders whose writes had all been answered before the final catch-up. Messages of
   * others (another scenario's, still sending) count only up to what the view has caught up.
   */
  done: ReadonlySet<string>,
): StateCheck {
  const since = view.sinceId === null ? 0n : BigInt(view.sinceId);
  const cursor = view.changesCursor ?? changesFrom;
  const result: StateCheck = { differing: 0, missedByChanges: 0, details: [] };
  for (const stored of states) {
    if (stored.chatId !== view.chatId || BigInt(stored.id) <= since) continue;
    const version = BigInt(stored.version);
    if (!done.has(stored.senderId) && (BigInt(stored.id) > view.lastId || version > cursor)) {
      continue;
    }
    const shown = view.stateOf(stored.id);
    const same =
      shown !== undefined &&
      shown.content === stored.content &&
      shown.deleted === stored.deleted &&
      shown.editedAt === stored.editedAt &&
      shown.version === stored.version &&
      JSON.stringify(shown.reactions) === JSON.stringify(stored.reactions);
    if (!same) {
      result.differing++;
      if (result.details.length < 5) {
        result.details.push(
          `${view.chatId} ${stored.id}: shown ${JSON.stringify(shown ?? null)}, stored ${JSON.stringify(stored)}`,
        );
      }
    }
    if (version > changesFrom && view.viaChanges.get(stored.id) !== version) {
      result.missedByChanges++;
    }
  }
  return result;
}

/**
 * What the acknowledged changes must have left in the database: each edited message the last
 * acked edit's content (or a tombstone if an acked deletion came), each (message, user, emoji)
 * set or cleared as its last acked reaction left it (cleared on a tombstone). Each client
 * changes only its own messages and its own reactions, one request after another, so the last
 * acked request of each is the one that must hold.
 */
export function checkAckedChanges(changes: ChangeRecord[], states: StoredState[]): LossCheck {
  const stored = new Map(states.map((state) => [state.id, state]));
  const deleted = new Set<string>();
  const content = new Map<string, string>();
  const reactions = new Map<
    string,
    { messageId: string; userId: string; emoji: string; on: boolean }
  >();
  for (const { request, userId, message } of changes) {
    if (!message) continue;
    if (request.kind === 'message:delete') deleted.add(request.messageId);
    else if (request.kind === 'message:edit') content.set(request.messageId, request.content);
    else {
      reactions.set(`${request.messageId} ${userId} ${request.emoji}`, {
        messageId: request.messageId,
        userId,
        emoji: request.emoji,
        on: request.on,
      });
    }
  }
  const result: LossCheck = { notStored: 0, notShown: 0, details: [] };
  const miss = (detail: string) => {
    result.notStored++;
    if (result.details.length < 10) result.details.push(detail);
  };
  for (const id of deleted) {
    const state = stored.get(id);
    if (!state?.deleted || state.content !== '' || state.reactions.length > 0) {
      miss(`acked deletion of ${id} not stored`);
    }
  }
  for (const [id, text] of content) {
    if (deleted.has(id)) continue;
    const state = stored.get(id);
    if (state?.content !== text || state.editedAt === null) miss(`acked edit of ${id} not stored`);
  }
  for (const { messageId, userId, emoji, on } of reactions.values()) {
    const state = stored.get(messageId);
    const set = state?.reactions.some((r) => r.emoji === emoji && r.userIds.includes(userId));
    if (set !== (on && !deleted.has(messageId))) {
      miss(`acked reaction ${emoji} ${on ? 'set' : 'cleared'} on ${messageId} not stored`);
    }
  }
  return result;
}
