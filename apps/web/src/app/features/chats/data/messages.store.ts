import { Injectable, Signal, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  LIMITS,
  type Ack,
  type Attachment,
  type ChangesPage,
  type HistoryPage,
  type Message,
  type MessageRef,
  type Reaction,
} from '@chat/shared-types';
import { firstValueFrom } from 'rxjs';
import { describeHttpError } from '../../../core/http-error';
import { ChatSocketService } from '../../../core/realtime/chat-socket.service';
import { ChatsApiService } from './chats-api.service';
import { ChatsStore } from './chats.store';
import { compareIds, isNewerVersion, mergeMessages, newestVersion } from './message-order';
import { SendQueue, validateContent, type OutgoingMessage } from './send-queue.service';

export interface ChatHistory {
  /** Stored messages, ascending by id, each once. */
  messages: readonly Message[];
  /** Older messages exist on the server. */
  hasMore: boolean;
  /**
   * Newer messages exist on the server than the ones held: the window was opened at a message
   * (a search hit) and does not reach the live tail yet. Live messages wait until it does.
   */
  hasMoreAfter: boolean;
  status: 'loading' | 'ready' | 'error';
  loadingOlder: boolean;
  loadingNewer: boolean;
  error: string | null;
  /**
   * The newest id a history request returned: everything up to it is held. Live messages do
   * not move it, since one may arrive while an earlier one was lost on the way (a dropped
   * connection, another instance's broadcast during a Redis outage); catch-up starts here.
   */
  syncedUpTo: string | null;
  /**
   * The changes cursor: the greatest version a history or changes page brought. Every change
   * with a version at most this is reflected in what is held (versions are commit-ordered);
   * live events do not move it, since one may have been lost on the way.
   */
  version: string | null;
}

/** One line of the conversation: a stored message, or one of ours still on its way. */
export interface ConversationEntry {
  /** Stable from pending to stored, so the line is not redrawn when the server confirms it. */
  key: string;
  id: string | null;
  chatId: string;
  senderId: string;
  senderName: string;
  content: string;
  createdAt: string;
  clientId: string;
  delivery: 'stored' | 'pending' | 'failed';
  error: string | null;
  replyTo: MessageRef | null;
  editedAt: string | null;
  deleted: boolean;
  reactions: readonly Reaction[];
  /** A group event: nobody's words, so no edits, deletions or reactions. */
  system: Message['system'];
  /** Stored files (signed URLs); a pending message's files are its uploads (`withFiles`). */
  attachments: readonly Attachment[];
  /** One of ours on its way with files: UploadQueue.of(clientId) says how far they got. */
  withFiles?: boolean;
}

/** What a message action (edit, delete, react) came to: null when it went through. */
export type ActionResult = string | null;

const CATCH_UP_PAGES = 10;
/** Changes per `chat:changes` page while catching up. */
export const CHANGES_PAGE = 500;

const EMPTY_HISTORY: ChatHistory = {
  messages: [],
  hasMore: false,
  hasMoreAfter: false,
  status: 'loading',
  loadingOlder: false,
  loadingNewer: false,
  error: null,
  syncedUpTo: null,
  version: null,
};

function entryOf(message: Message): ConversationEntry {
  return {
    ...message,
    key: `${message.senderId}:${message.clientId}`,
    delivery: 'stored',
    error: null,
  };
}

/**
 * The history of each chat opened in this session: newest page first, older pages on demand,
 * live messages appended, and after a reconnection whatever was missed (the `after` cursor).
 * Everything is merged by message id, and our own unconfirmed messages are shown once.
 */
@Injectable()
export class MessagesStore {
  private readonly api = inject(ChatsApiService);
  private readonly socket = inject(ChatSocketService);
  private readonly sendQueue = inject(SendQueue);
  private readonly histories = signal<Readonly<Record<string, ChatHistory>>>({});
  private readonly conversations = new Map<string, Signal<ConversationEntry[]>>();
  /** Live messages of a chat whose window does not reach the tail yet (hasMoreAfter). */
  private readonly heldBack = new Map<string, Message[]>();
  /** Chats catching up now, and whether another round was asked for meanwhile. */
  private readonly catchingUp = new Map<string, boolean>();
  /** Updates that arrived while a chat's page was loading: applied to the page once it is in. */
  private readonly early = new Map<string, Message[]>();
  /** Attachment URL refreshes under way, by chat and message. */
  private readonly refreshing = new Map<string, Promise<readonly Attachment[] | null>>();

  constructor() {
    this.socket
      .on('message:new')
      .pipe(takeUntilDestroyed())
      .subscribe((message) => this.add(message.chatId, [message]));
    this.socket
      .on('message:updated')
      .pipe(takeUntilDestroyed())
      .subscribe((message) => this.applyChanged(message.chatId, [message]));
    this.sendQueue.confirmed$
      .pipe(takeUntilDestroyed())
      .subscribe((message) => this.add(message.chatId, [message]));
    // Every (re)connection fetches the chat list; its Chat.version says which chats moved.
    inject(ChatsStore)
      .listed$.pipe(takeUntilDestroyed())
      .subscribe((chats) => void this.catchUpMoved(chats));
  }

  history(chatId: string): ChatHistory | undefined {
    return this.histories()[chatId];
  }

  /** Stored messages followed by our pending ones, each message once. */
  conversation(chatId: string, me: { id: string; fullName: string }): Signal<ConversationEntry[]> {
    const cacheKey = `${chatId}\n${me.id}`;
    let conversation = this.conversations.get(cacheKey);
    if (!conversation) {
      conversation = computed(() => {
        const stored = this.histories()[chatId]?.messages ?? [];
        const storedClientIds = new Set(
          stored.filter((message) => message.senderId === me.id).map((m) => m.clientId),
        );
        const outgoing = this.sendQueue
          .outgoing()
          .filter((message) => message.chatId === chatId && !storedClientIds.has(message.clientId))
          .map((message) => this.outgoingEntry(message, me));
        return [...stored.map(entryOf), ...outgoing];
      });
      this.conversations.set(cacheKey, conversation);
    }
    return conversation;
  }

  /** Loads the newest page the first time a chat is opened, or retries after an error. */
  async open(chatId: string): Promise<void> {
    const current = this.history(chatId);
    if (current && current.status !== 'error') return;
    this.patch(chatId, { ...EMPTY_HISTORY, messages: current?.messages ?? [] });
    try {
      const page = await firstValueFrom(this.api.history(chatId, { limit: LIMITS.pageDefault }));
      this.addPage(chatId, page, true);
      this.patch(chatId, {
        syncedUpTo: page.messages.at(-1)?.id ?? null,
        version: newestVersion(page.messages) ?? '0',
      });
      this.applyEarly(chatId);
    } catch (error) {
      this.patch(chatId, { status: 'error', error: describeHttpError(error).message });
    }
  }

  /**
   * Opens the chat at `messageId` (a search hit): the page around it, from which older and
   * newer pages load as the user scrolls. Nothing is fetched when it is already held.
   */
  async openAt(chatId: string, messageId: string): Promise<void> {
    const current = this.history(chatId);
    if (current?.status === 'ready' && current.messages.some((m) => m.id === messageId)) return;
    this.heldBack.delete(chatId);
    this.patch(chatId, { ...EMPTY_HISTORY });
    try {
      const page = await firstValueFrom(
        this.api.history(chatId, { around: messageId, limit: LIMITS.pageDefault }),
      );
      const hasMoreAfter = page.hasMoreAfter ?? false;
      this.patch(chatId, {
        messages: mergeMessages([], page.messages),
        hasMore: page.hasMore,
        hasMoreAfter,
        status: 'ready',
        error: null,
        syncedUpTo: hasMoreAfter ? null : (page.messages.at(-1)?.id ?? null),
        version: newestVersion(page.messages) ?? '0',
      });
      this.settleOwn(page.messages);
      this.applyEarly(chatId);
    } catch (error) {
      this.patch(chatId, { status: 'error', error: describeHttpError(error).message });
    }
  }

  /** Back to the newest page, dropping a window opened at an older message. */
  async openLatest(chatId: string): Promise<void> {
    if (!this.history(chatId)?.hasMoreAfter) return;
    this.heldBack.delete(chatId);
    this.histories.update((histories) => {
      const rest = { ...histories };
      delete rest[chatId];
      return rest;
    });
    await this.open(chatId);
  }

  /** The page after the newest message held, while the window does not reach the tail. */
  async loadNewer(chatId: string): Promise<void> {
    const current = this.history(chatId);
    if (!current || current.status !== 'ready' || current.loadingNewer || !current.hasMoreAfter)
      return;
    const newest = current.messages.at(-1);
    if (!newest) return;
    this.patch(chatId, { loadingNewer: true });
    try {
      const page = await firstValueFrom(
        this.api.history(chatId, { after: newest.id, limit: LIMITS.pageDefault }),
      );
      const held = this.history(chatId)?.messages ?? [];
      const reachedTail = !page.hasMore;
      const live = reachedTail ? (this.heldBack.get(chatId) ?? []) : [];
      if (reachedTail) this.heldBack.delete(chatId);
      const messages = mergeMessages(held, [...page.messages, ...live]);
      this.patch(chatId, {
        messages,
        hasMoreAfter: !reachedTail,
        loadingNewer: false,
        error: null,
        syncedUpTo: reachedTail ? (page.messages.at(-1)?.id ?? newest.id) : null,
      });
      this.settleOwn(page.messages);
    } catch (error) {
      this.patch(chatId, { loadingNewer: false, error: describeHttpError(error).message });
    }
  }

  /** The page before the oldest message shown. */
  async loadOlder(chatId: string): Promise<void> {
    const current = this.history(chatId);
    if (!current || current.status !== 'ready' || current.loadingOlder || !current.hasMore) return;
    const oldest = current.messages[0];
    if (!oldest) return;
    this.patch(chatId, { loadingOlder: true });
    try {
      const page = await firstValueFrom(
        this.api.history(chatId, { before: oldest.id, limit: LIMITS.pageDefault }),
      );
      this.addPage(chatId, page, true);
      this.patch(chatId, { loadingOlder: false, error: null });
    } catch (error) {
      this.patch(chatId, { loadingOlder: false, error: describeHttpError(error).message });
    }
  }

  /**
   * Brings a chat held here up to date: every change since its version (new, edited, deleted
   * messages, reactions), page by page until `hasMore` is false. A chat that moved by more than
   * CATCH_UP_PAGES pages starts again from its newest page instead.
   */
  async catchUp(chatId: string): Promise<void> {
    const current = this.history(chatId);
    if (!current) return;
    if (current.status === 'error') return this.open(chatId);
    if (current.status !== 'ready' || current.version === null) return;
    if (this.catchingUp.has(chatId)) {
      this.catchingUp.set(chatId, true);
      return;
    }
    this.catchingUp.set(chatId, false);
    try {
      let caughtUp = false;
      for (let round = 0; round < CATCH_UP_PAGES && !caughtUp; round++) {
        const since = this.history(chatId)?.version;
        if (since == null) return;
        const page = await this.changes(chatId, since);
        this.applyChanged(chatId, page.messages);
        const held = this.history(chatId);
        if (!held || held.version !== since) return; // reopened meanwhile
        this.patch(chatId, {
          version: page.version,
          syncedUpTo: held.hasMoreAfter ? held.syncedUpTo : (held.messages.at(-1)?.id ?? null),
        });
        caughtUp = !page.hasMore;
      }
      if (!caughtUp) await this.restart(chatId);
    } catch {
      // The next reconnection tries again; the banner already says the link is shaky.
    } finally {
      const again = this.catchingUp.get(chatId);
      this.catchingUp.delete(chatId);
      if (again) void this.catchUp(chatId);
    }
  }

  /** Catches up exactly the chats held here whose Chat.version is past the one applied. */
  async catchUpMoved(chats: readonly { id: string; version: string }[]): Promise<void> {
    const moved = chats.filter((chat) => {
      const held = this.history(chat.id);
      if (!held) return false;
      if (held.status === 'error') return true;
      return held.version !== null && isNewerVersion(chat.version, held.version);
    });
    await Promise.all(moved.map((chat) => this.catchUp(chat.id)));
  }

  /** Edits one of the user's messages in place. */
  async edit(chatId: string, messageId: string, content: string): Promise<ActionResult> {
    const invalid = validateContent(content);
    if (invalid) return invalid;
    const ack = await this.socket.request('message:edit', {
      chatId,
      messageId,
      content: content.trim(),
    });
    return this.settleAction(chatId, ack, 'edit this message');
  }

  /** Deletes one of the user's messages, leaving a tombstone. */
  async remove(chatId: string, messageId: string): Promise<ActionResult> {
    const ack = await this.socket.request('message:delete', { chatId, messageId });
    return this.settleAction(chatId, ack, 'delete this message');
  }

  /** Sets (`on`) or clears the user's `emoji` on a message. */
  async react(
    chatId: string,
    messageId: string,
    emoji: string,
    on: boolean,
  ): Promise<ActionResult> {
    const ack = await this.socket.request('reaction:set', { chatId, messageId, emoji, on });
    return this.settleAction(chatId, ack, on ? 'add this reaction' : 'remove this reaction');
  }

  /**
   * Fresh signed URLs for a message's files (they expire): the server signs them anew with
   * every Message it returns, so the page around the message, one message long, brings them.
   */
  async refreshAttachments(
    chatId: string,
    messageId: string,
  ): Promise<readonly Attachment[] | null> {
    const key = `${chatId}\n${messageId}`;
    const running = this.refreshing.get(key);
    if (running) return running;
    const done = firstValueFrom(this.api.history(chatId, { around: messageId, limit: 1 }))
      .then((page) => {
        const fresh = page.messages.find((message) => message.id === messageId);
        const current = this.history(chatId);
        if (!fresh) return null;
        if (current?.messages.some((held) => held.id === messageId)) {
          const messages = current.messages.map((held) =>
            held.id !== messageId
              ? held
              : isNewerVersion(fresh.version, held.version)
                ? fresh
                : { ...held, attachments: fresh.attachments },
          );
          this.patch(chatId, { messages });
        }
        return fresh.attachments;
      })
      .catch(() => null)
      .finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, done);
    return done;
  }

  private settleAction(chatId: string, ack: Ack<Message>, what: string): ActionResult {
    if (ack.ok) {
      this.applyChanged(chatId, [ack.data]);
      return null;
    }
    switch (ack.error.code) {
      case 'unavailable':
        return `Couldn't ${what}: you're offline. Try again once the connection is back.`;
      case 'rate_limited':
        return `Couldn't ${what}: too many changes at once. Wait a few seconds and try again.`;
      case 'forbidden':
        return `You can't ${what}.`;
      case 'not_found':
        return `Couldn't ${what}: the message is no longer there.`;
      default:
        return `Couldn't ${what}: ${ack.error.message}`;
    }
  }

  private async changes(chatId: string, since: string): Promise<ChangesPage> {
    const ack = await this.socket.request('chat:changes', { chatId, since, limit: CHANGES_PAGE });
    if (!ack.ok) throw new Error(ack.error.message);
    return ack.data;
  }

  private applyEarly(chatId: string): void {
    const early = this.early.get(chatId);
    this.early.delete(chatId);
    if (early) this.applyChanged(chatId, early);
  }

  /** Drops what is held of a chat and loads its newest page again. */
  private async restart(chatId: string): Promise<void> {
    this.heldBack.delete(chatId);
    this.histories.update((histories) => {
      const rest = { ...histories };
      delete rest[chatId];
      return rest;
    });
    await this.open(chatId);
  }

  /**
   * Messages in their current state (an update, a changes page, an action's ack): each replaces
   * the held one when its version is newer; one not held goes in when it falls inside the
   * window held (a new message at the tail), and is left for paging otherwise.
   */
  private applyChanged(chatId: string, messages: readonly Message[]): void {
    const current = this.history(chatId);
    if (!current || messages.length === 0) return;
    if (current.status === 'loading') {
      // The page on its way may predate these; they are applied to it when it arrives.
      this.early.set(chatId, [...(this.early.get(chatId) ?? []), ...messages]);
      return;
    }
    if (current.status !== 'ready') return;
    const held = new Set(current.messages.map((message) => message.id));
    const oldest = current.messages[0]?.id;
    const newest = current.messages.at(-1)?.id;
    const fitting = messages.filter(
      (message) =>
        held.has(message.id) ||
        !(
          (current.hasMore && oldest !== undefined && compareIds(message.id, oldest) < 0) ||
          (current.hasMoreAfter && newest !== undefined && compareIds(message.id, newest) > 0)
        ),
    );
    const merged = mergeMessages(current.messages, fitting);
    if (merged !== current.messages) this.patch(chatId, { messages: merged });
    this.settleOwn(fitting);
  }

  private add(chatId: string, messages: readonly Message[]): void {
    const current = this.history(chatId);
    if (!current) return;
    if (current.hasMoreAfter) {
      // Not next to what is held: kept until loadNewer reaches the tail.
      this.heldBack.set(chatId, [...(this.heldBack.get(chatId) ?? []), ...messages]);
      this.settleOwn(messages);
      return;
    }
    const merged = mergeMessages(current.messages, messages);
    if (merged !== current.messages) this.patch(chatId, { messages: merged });
    this.settleOwn(messages);
  }

  /** `olderPage`: the page's hasMore speaks of older messages (no cursor, or `before`). */
  private addPage(chatId: string, page: HistoryPage, olderPage: boolean): void {
    const current = this.history(chatId) ?? EMPTY_HISTORY;
    this.patch(chatId, {
      messages: mergeMessages(current.messages, page.messages),
      hasMore: olderPage ? page.hasMore : current.hasMore,
      status: 'ready',
      error: null,
    });
    this.settleOwn(page.messages);
  }

  private settleOwn(messages: readonly Message[]): void {
    const waiting = new Set(this.sendQueue.outgoing().map((message) => message.clientId));
    for (const message of messages) {
      if (waiting.has(message.clientId)) this.sendQueue.settle(message.clientId);
    }
  }

  private patch(chatId: string, change: Partial<ChatHistory>): void {
    this.histories.update((histories) => ({
      ...histories,
      [chatId]: { ...(histories[chatId] ?? EMPTY_HISTORY), ...change },
    }));
  }

  private outgoingEntry(
    message: OutgoingMessage,
    me: { id: string; fullName: string },
  ): ConversationEntry {
    return {
      key: `${me.id}:${message.clientId}`,
      id: null,
      chatId: message.chatId,
      senderId: me.id,
      senderName: me.fullName,
      content: message.content,
      createdAt: message.createdAt,
      clientId: message.clientId,
      delivery: message.status,
      error: message.error,
      replyTo: message.replyTo,
      editedAt: null,
      deleted: false,
      reactions: [],
      system: null,
      attachments: [],
      withFiles: message.withFiles,
    };
  }
}
