import { Injectable, Signal, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { LIMITS, type HistoryPage, type Message } from '@chat/shared-types';
import { firstValueFrom } from 'rxjs';
import { describeHttpError } from '../../../core/http-error';
import { ChatSocketService } from '../../../core/realtime/chat-socket.service';
import { ChatsApiService } from './chats-api.service';
import { mergeMessages } from './message-order';
import { SendQueue, type OutgoingMessage } from './send-queue.service';

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
}

const CATCH_UP_PAGES = 10;

const EMPTY_HISTORY: ChatHistory = {
  messages: [],
  hasMore: false,
  hasMoreAfter: false,
  status: 'loading',
  loadingOlder: false,
  loadingNewer: false,
  error: null,
  syncedUpTo: null,
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

  constructor() {
    this.socket
      .on('message:new')
      .pipe(takeUntilDestroyed())
      .subscribe((message) => this.add(message.chatId, [message]));
    this.sendQueue.confirmed$
      .pipe(takeUntilDestroyed())
      .subscribe((message) => this.add(message.chatId, [message]));
    this.socket.connected$.pipe(takeUntilDestroyed()).subscribe(() => void this.catchUpAll());
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
      this.patch(chatId, { syncedUpTo: page.messages.at(-1)?.id ?? null });
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
      });
      this.settleOwn(page.messages);
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

  /** Fetches what came after the last history request's newest message, page by page. */
  async catchUp(chatId: string): Promise<void> {
    const current = this.history(chatId);
    if (!current) return;
    if (current.status === 'error') return this.open(chatId);
    // A window short of the tail catches up by scrolling down (loadNewer).
    if (current.hasMoreAfter) return;
    try {
      for (let page = 0; page < CATCH_UP_PAGES; page++) {
        const cursor = this.history(chatId)?.syncedUpTo ?? null;
        const result = await firstValueFrom(
          this.api.history(
            chatId,
            cursor ? { after: cursor, limit: LIMITS.pageMax } : { limit: LIMITS.pageDefault },
          ),
        );
        this.addPage(chatId, result, !cursor);
        this.patch(chatId, { syncedUpTo: result.messages.at(-1)?.id ?? cursor });
        if (!cursor || !result.hasMore) return;
      }
    } catch {
      // The next reconnection tries again; the banner already says the link is shaky.
    }
  }

  private async catchUpAll(): Promise<void> {
    await Promise.all(Object.keys(this.histories()).map((chatId) => this.catchUp(chatId)));
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
    };
  }
}
