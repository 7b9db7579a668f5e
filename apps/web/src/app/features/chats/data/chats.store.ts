import { Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  GLOBAL_CHAT_ID,
  type Chat,
  type ChatMember,
  type Message,
  type PresenceEvent,
} from '@chat/shared-types';
import { EMPTY, Subject, catchError, merge, switchMap, tap } from 'rxjs';
import { SessionStore } from '../../../core/auth/session.store';
import { describeHttpError } from '../../../core/http-error';
import { ChatSocketService } from '../../../core/realtime/chat-socket.service';
import { ChatsApiService } from './chats-api.service';
import { compareIds, isAfter, isNewerVersion, maxId } from './message-order';
import { UnreadService } from './unread.service';

export type LoadStatus = 'loading' | 'ready' | 'error';

function activityOf(chat: Chat, createdAt: ReadonlyMap<string, number>): number {
  if (chat.lastMessage) return Date.parse(chat.lastMessage.createdAt);
  return createdAt.get(chat.id) ?? 0;
}

/** `All` first, then by latest activity. */
export function sortChats(chats: readonly Chat[], createdAt: ReadonlyMap<string, number>): Chat[] {
  return [...chats].sort((a, b) => {
    if (a.id === GLOBAL_CHAT_ID) return -1;
    if (b.id === GLOBAL_CHAT_ID) return 1;
    const byTime = activityOf(b, createdAt) - activityOf(a, createdAt);
    if (byTime !== 0) return byTime;
    if (a.lastMessage && b.lastMessage) return compareIds(b.lastMessage.id, a.lastMessage.id);
    return a.title.localeCompare(b.title);
  });
}

/**
 * The signed-in user's chats, kept current: fetched on start and on every (re)connection
 * (which also refreshes the unread counts), then updated live by messages, new chats,
 * presence and the other members' read receipts.
 */
@Injectable()
export class ChatsStore {
  private readonly api = inject(ChatsApiService);
  private readonly socket = inject(ChatSocketService);
  private readonly session = inject(SessionStore);
  private readonly unread = inject(UnreadService);

  private readonly chatList = signal<readonly Chat[]>([]);
  /** When chats without messages appeared in this session, so a new chat sorts near the top. */
  private readonly createdAt = signal<ReadonlyMap<string, number>>(new Map());
  /** How far each other member has read, per chat: from `members[].lastReadId` and `chat:read`. */
  private readonly reads = signal<Readonly<Record<string, Readonly<Record<string, string>>>>>({});
  /** Groups the user was removed from (or left) during this session, with their last title. */
  private readonly removedChats = signal<ReadonlyMap<string, string>>(new Map());
  private readonly refreshes = new Subject<void>();

  readonly status = signal<LoadStatus>('loading');
  readonly error = signal<string | null>(null);
  readonly chats = computed(() => sortChats(this.chatList(), this.createdAt()));
  /** Every chat list the server sent (start, reconnections, refreshes): catch-up compares versions. */
  readonly listed$ = new Subject<readonly Chat[]>();

  constructor() {
    merge(this.refreshes, this.socket.connected$, this.unread.refreshNeeded$)
      .pipe(
        switchMap(() =>
          this.api.list().pipe(
            catchError((error: unknown) => {
              this.error.set(describeHttpError(error).message);
              if (this.status() === 'loading') this.status.set('error');
              return EMPTY;
            }),
          ),
        ),
        tap((chats) => this.unread.reset(chats)),
        takeUntilDestroyed(),
      )
      .subscribe((chats) => {
        this.chatList.set(chats);
        this.status.set('ready');
        this.error.set(null);
        this.listed$.next(chats);
        for (const chat of chats) this.recordMemberReads(chat);
      });

    this.socket
      .on('message:new')
      .pipe(takeUntilDestroyed())
      .subscribe((message) => this.applyMessage(message));
    this.socket
      .on('message:updated')
      .pipe(takeUntilDestroyed())
      .subscribe((message) => this.applyUpdate(message));
    this.socket
      .on('chat:created')
      .pipe(takeUntilDestroyed())
      .subscribe((chat) => this.upsert(chat));
    this.socket
      .on('chat:updated')
      .pipe(takeUntilDestroyed())
      .subscribe((chat) => this.upsert(chat));
    this.socket
      .on('chat:removed')
      .pipe(takeUntilDestroyed())
      .subscribe(({ chatId }) => this.remove(chatId));
    this.socket
      .on('presence:batch')
      .pipe(takeUntilDestroyed())
      .subscribe(({ changes }) => this.setPresence(changes));
    this.socket
      .on('chat:read')
      .pipe(takeUntilDestroyed())
      .subscribe(({ chatId, userId, upToId }) => {
        if (userId !== this.session.userId()) this.recordRead(chatId, userId, upToId);
      });

    this.refresh();
  }

  refresh(): void {
    this.refreshes.next();
  }

  chat(chatId: string): Chat | undefined {
    return this.chatList().find((chat) => chat.id === chatId);
  }

  /** How far the other member of a direct chat has read, when known. */
  peerReadUpTo(chatId: string): string | null {
    const reads = Object.values(this.reads()[chatId] ?? {});
    return reads.reduce<string | null>((max, id) => maxId(max, id), null);
  }

  /** How far each other member of the chat has read (user id → message id), as far as known. */
  memberReads(chatId: string): Readonly<Record<string, string>> {
    return this.reads()[chatId] ?? {};
  }

  /** The title of a group the user is no longer in (removed or left this session), else null. */
  removedTitle(chatId: string): string | null {
    return this.removedChats().get(chatId) ?? null;
  }

  upsert(chat: Chat): void {
    if (this.removedChats().has(chat.id)) {
      this.removedChats.update((removed) => {
        const next = new Map(removed);
        next.delete(chat.id);
        return next;
      });
    }
    this.recordMemberReads(chat);
    this.chatList.update((chats) => {
      const index = chats.findIndex((existing) => existing.id === chat.id);
      const existing = chats[index];
      if (existing === undefined) return [...chats, chat];
      const next = [...chats];
      const lastMessage =
        existing.lastMessage && !isAfter(chat.lastMessage?.id ?? '0', existing.lastMessage.id)
          ? existing.lastMessage
          : chat.lastMessage;
      next[index] = { ...chat, lastMessage };
      return next;
    });
    if (!chat.lastMessage && !this.createdAt().has(chat.id)) {
      this.createdAt.update((map) => new Map(map).set(chat.id, Date.now()));
    }
  }

  /** `chat:removed`: the group leaves the list, and nothing more of it reaches the user. */
  private remove(chatId: string): void {
    const chat = this.chat(chatId);
    if (!chat) return;
    this.removedChats.update((removed) => new Map(removed).set(chatId, chat.title));
    this.chatList.update((chats) => chats.filter((existing) => existing.id !== chatId));
    this.reads.update((reads) => {
      const next = { ...reads };
      delete next[chatId];
      return next;
    });
  }

  private applyMessage(message: Message): void {
    if (this.removedChats().has(message.chatId)) return;
    if (!this.chat(message.chatId)) {
      // A chat we have not heard of yet (its chat:created was missed): fetch the list.
      this.refresh();
      return;
    }
    this.chatList.update((chats) =>
      chats.map((chat) =>
        chat.id === message.chatId && isAfter(message.id, chat.lastMessage?.id)
          ? { ...chat, lastMessage: message }
          : chat,
      ),
    );
  }

  /** An edit, deletion or reaction: the preview follows when it is the chat's last message. */
  applyUpdate(message: Message): void {
    this.chatList.update((chats) =>
      chats.map((chat) =>
        chat.id === message.chatId &&
        chat.lastMessage?.id === message.id &&
        isNewerVersion(message.version, chat.lastMessage.version)
          ? { ...chat, lastMessage: message }
          : chat,
      ),
    );
  }

  /** The socket asks for batched presence (see SOCKET_FACTORY): one update per batch. */
  private setPresence(changes: readonly PresenceEvent[]): void {
    const online = new Map(changes.map((change) => [change.userId, change.online]));
    const changed = (member: ChatMember) =>
      online.has(member.id) && online.get(member.id) !== member.online;
    this.chatList.update((chats) =>
      chats.map((chat) =>
        chat.members.some(changed)
          ? {
              ...chat,
              members: chat.members.map((member) =>
                changed(member) ? { ...member, online: online.get(member.id) === true } : member,
              ),
            }
          : chat,
      ),
    );
  }

  private recordMemberReads(chat: Chat): void {
    const me = this.session.userId();
    for (const member of chat.members) {
      if (member.id !== me && member.lastReadId) {
        this.recordRead(chat.id, member.id, member.lastReadId);
      }
    }
  }

  /** Read marks only move forward. */
  private recordRead(chatId: string, userId: string, upToId: string): void {
    const known = this.reads()[chatId]?.[userId];
    if (known && !isAfter(upToId, known)) return;
    this.reads.update((reads) => ({ ...reads, [chatId]: { ...reads[chatId], [userId]: upToId } }));
  }
}
