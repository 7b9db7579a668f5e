import { Injectable, computed, inject } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import type { Chat, Message, ReadEvent } from '@chat/shared-types';
import {
  BehaviorSubject,
  Observable,
  Subject,
  combineLatest,
  distinctUntilChanged,
  filter,
  map,
  shareReplay,
} from 'rxjs';
import { SessionStore } from '../../../core/auth/session.store';
import { PageVisibility } from '../../../core/browser/page-visibility.service';
import { ChatSocketService } from '../../../core/realtime/chat-socket.service';
import { compareIds, isAfter, maxId } from './message-order';

/**
 * What this client knows of one chat's unread messages: the server's count of those up to
 * `countedUpTo` (the newest message when the count was taken), plus ids that arrived live.
 */
export interface ChatUnread {
  serverCount: number;
  countedUpTo: string | null;
  liveIds: readonly string[];
  lastReadId: string | null;
}

export type UnreadState = Readonly<Record<string, ChatUnread>>;

/** The chat on screen, and the newest message the user can see in it (null: scrolled away). */
export interface ViewingChat {
  chatId: string;
  seenUpToId: string | null;
}

const EMPTY_CHAT: ChatUnread = { serverCount: 0, countedUpTo: null, liveIds: [], lastReadId: null };

function fromServer(chat: Chat): ChatUnread {
  return {
    serverCount: chat.unreadCount,
    countedUpTo: chat.lastMessage?.id ?? null,
    liveIds: [],
    lastReadId: chat.lastReadId,
  };
}

function countOf(chat: ChatUnread): number {
  return chat.serverCount + chat.liveIds.length;
}

/** Server counts replace what was known, keeping live arrivals newer than what they counted. */
function reset(state: UnreadState, chats: readonly Chat[]): UnreadState {
  const next: Record<string, ChatUnread> = {};
  for (const chat of chats) {
    const fresh = fromServer(chat);
    const previous = state[chat.id];
    const liveIds = (previous?.liveIds ?? []).filter(
      (id) => isAfter(id, fresh.countedUpTo) && isAfter(id, fresh.lastReadId),
    );
    next[chat.id] = { ...fresh, liveIds };
  }
  return next;
}

function addMessage(state: UnreadState, message: Message): UnreadState {
  const chat = state[message.chatId] ?? EMPTY_CHAT;
  const alreadyKnown =
    !isAfter(message.id, chat.countedUpTo) ||
    !isAfter(message.id, chat.lastReadId) ||
    chat.liveIds.includes(message.id);
  if (alreadyKnown) return state;
  return { ...state, [message.chatId]: { ...chat, liveIds: [...chat.liveIds, message.id] } };
}

/**
 * A message deleted by its sender no longer counts. Returns null when the server's count held
 * it (the server must be asked for a fresh count instead).
 */
export function removeDeleted(state: UnreadState, message: Message): UnreadState | null {
  const chat = state[message.chatId];
  if (!chat || !isAfter(message.id, chat.lastReadId)) return state;
  if (chat.liveIds.includes(message.id)) {
    return {
      ...state,
      [message.chatId]: { ...chat, liveIds: chat.liveIds.filter((id) => id !== message.id) },
    };
  }
  const counted = chat.countedUpTo !== null && compareIds(message.id, chat.countedUpTo) <= 0;
  return counted && chat.serverCount > 0 ? null : state;
}

/** Everything up to `upToId` is read. Returns null when the server must be asked instead. */
function markRead(state: UnreadState, chatId: string, upToId: string): UnreadState | null {
  const chat = state[chatId] ?? EMPTY_CHAT;
  if (!isAfter(upToId, chat.lastReadId)) return state;
  const coversServerCount = chat.countedUpTo === null || compareIds(upToId, chat.countedUpTo) >= 0;
  if (!coversServerCount && chat.serverCount > 0) return null;
  return {
    ...state,
    [chatId]: {
      serverCount: coversServerCount ? 0 : chat.serverCount,
      countedUpTo: chat.countedUpTo,
      liveIds: chat.liveIds.filter((id) => isAfter(id, upToId)),
      lastReadId: maxId(chat.lastReadId, upToId),
    },
  };
}

/**
 * Unread counts per chat and in total. Starts from the server's counts, adds live messages
 * from others, applies reads from this user's other tabs and devices, and reads the chat on
 * screen (telling the server) once its newest message is seen in a visible tab. The chat that
 * is open in a visible tab never shows a count.
 */
@Injectable()
export class UnreadService {
  private readonly socket = inject(ChatSocketService);
  private readonly session = inject(SessionStore);

  private readonly state$ = new BehaviorSubject<UnreadState>({});
  private readonly viewing$ = new BehaviorSubject<ViewingChat | null>(null);
  private readonly refreshNeeded = new Subject<void>();

  /** Asks the owner of the chat list to fetch fresh counts from the server. */
  readonly refreshNeeded$ = this.refreshNeeded.asObservable();

  readonly counts$: Observable<ReadonlyMap<string, number>> = combineLatest([
    this.state$,
    this.viewing$,
    inject(PageVisibility).visible$,
  ]).pipe(
    map(([state, viewing, visible]) => {
      const counts = new Map<string, number>();
      for (const [chatId, chat] of Object.entries(state)) {
        const onScreen = visible && viewing?.chatId === chatId;
        counts.set(chatId, onScreen ? 0 : countOf(chat));
      }
      return counts;
    }),
    shareReplay({ bufferSize: 1, refCount: false }),
  );

  readonly total$: Observable<number> = this.counts$.pipe(
    map((counts) => [...counts.values()].reduce((sum, count) => sum + count, 0)),
    distinctUntilChanged(),
  );

  readonly counts = toSignal(this.counts$, { initialValue: new Map<string, number>() });
  readonly total = computed(() => [...this.counts().values()].reduce((sum, n) => sum + n, 0));

  constructor() {
    const me = () => this.session.userId();

    this.socket
      .on('message:new')
      .pipe(
        // A group's system message (someone added, a rename) is nobody's words: never unread.
        filter((message) => message.senderId !== me() && !message.system),
        takeUntilDestroyed(),
      )
      .subscribe((message) => this.state$.next(addMessage(this.state$.value, message)));

    this.socket
      .on('chat:removed')
      .pipe(takeUntilDestroyed())
      .subscribe(({ chatId }) => {
        if (!this.state$.value[chatId]) return;
        const next = { ...this.state$.value };
        delete next[chatId];
        this.state$.next(next);
      });

    this.socket
      .on('message:updated')
      .pipe(
        filter((message) => message.deleted && message.senderId !== me()),
        takeUntilDestroyed(),
      )
      .subscribe((message) => {
        const next = removeDeleted(this.state$.value, message);
        if (next) this.state$.next(next);
        else this.refreshNeeded.next();
      });

    this.socket
      .on('chat:read')
      .pipe(
        filter((event) => event.userId === me()),
        takeUntilDestroyed(),
      )
      .subscribe((event) => this.applyRead(event));

    this.socket
      .on('chat:created')
      .pipe(takeUntilDestroyed())
      .subscribe((chat) => {
        if (!this.state$.value[chat.id]) {
          this.state$.next({ ...this.state$.value, [chat.id]: fromServer(chat) });
        }
      });

    // The chat on screen is read as far as the user can see, whenever that moves forward.
    combineLatest([this.state$, this.viewing$, inject(PageVisibility).visible$])
      .pipe(
        map(([state, viewing, visible]) => {
          if (!visible || !viewing?.seenUpToId) return null;
          const lastReadId = state[viewing.chatId]?.lastReadId ?? null;
          return isAfter(viewing.seenUpToId, lastReadId)
            ? { chatId: viewing.chatId, userId: me(), upToId: viewing.seenUpToId }
            : null;
        }),
        filter((read): read is ReadEvent => read !== null),
        takeUntilDestroyed(),
      )
      .subscribe((read) => {
        this.applyRead(read);
        void this.socket.request('chat:read', { chatId: read.chatId, upToId: read.upToId });
      });
  }

  /** Replaces every count with the server's (GET /api/chats). */
  reset(chats: readonly Chat[]): void {
    this.state$.next(reset(this.state$.value, chats));
  }

  /** The chat on screen; null when none is. */
  setViewing(viewing: ViewingChat | null): void {
    const current = this.viewing$.value;
    if (current?.chatId === viewing?.chatId && current?.seenUpToId === viewing?.seenUpToId) return;
    this.viewing$.next(viewing);
  }

  countFor$(chatId: string): Observable<number> {
    return this.counts$.pipe(
      map((counts) => counts.get(chatId) ?? 0),
      distinctUntilChanged(),
    );
  }

  countFor(chatId: string): number {
    return this.counts().get(chatId) ?? 0;
  }

  private applyRead(event: ReadEvent): void {
    const next = markRead(this.state$.value, event.chatId, event.upToId);
    if (next) this.state$.next(next);
    else this.refreshNeeded.next();
  }
}
