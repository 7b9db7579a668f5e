import { Injectable, OnDestroy, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { SessionStore } from '../../../core/auth/session.store';
import { ChatSocketService } from '../../../core/realtime/chat-socket.service';

/** Re-announce "still typing" at most this often. */
export const TYPING_THROTTLE_MS = 2_500;
/** "Stopped typing" after this long without a keystroke. */
export const TYPING_IDLE_MS = 3_000;
/** Forget someone's typing if their "stopped" never arrives. */
export const TYPING_EXPIRY_MS = 6_000;

/** Who is typing where (from the server), and our own typing, throttled (to the server). */
@Injectable()
export class TypingService implements OnDestroy {
  private readonly socket = inject(ChatSocketService);
  private readonly session = inject(SessionStore);
  /** chatId → userId → when to forget it. */
  private readonly typists = signal<Readonly<Record<string, Readonly<Record<string, number>>>>>({});
  private readonly lastAnnounced = new Map<string, number>();
  private readonly idleTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private expiryTimer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    this.socket
      .on('typing')
      .pipe(takeUntilDestroyed())
      .subscribe(({ chatId, userId, isTyping }) => {
        if (userId !== this.session.userId()) this.setTyping(chatId, userId, isTyping);
      });
    this.socket
      .on('message:new')
      .pipe(takeUntilDestroyed())
      .subscribe(({ chatId, senderId }) => this.setTyping(chatId, senderId, false));
    this.socket.connected$.pipe(takeUntilDestroyed()).subscribe(() => this.typists.set({}));
  }

  ngOnDestroy(): void {
    clearInterval(this.expiryTimer);
    this.idleTimers.forEach((timer) => clearTimeout(timer));
  }

  /** The other users typing in a chat. */
  typingIn(chatId: string): string[] {
    return Object.keys(this.typists()[chatId] ?? {});
  }

  /** Every chat where someone else is typing. */
  anyoneTypingIn(chatId: string): boolean {
    return this.typingIn(chatId).length > 0;
  }

  /** A keystroke in the composer. */
  userTyped(chatId: string): void {
    const now = Date.now();
    const last = this.lastAnnounced.get(chatId);
    if (last === undefined || now - last >= TYPING_THROTTLE_MS) {
      this.lastAnnounced.set(chatId, now);
      void this.socket.request('typing', { chatId, isTyping: true });
    }
    clearTimeout(this.idleTimers.get(chatId));
    this.idleTimers.set(
      chatId,
      setTimeout(() => this.userStopped(chatId), TYPING_IDLE_MS),
    );
  }

  /** Sent, cleared or left the chat. */
  userStopped(chatId: string): void {
    clearTimeout(this.idleTimers.get(chatId));
    this.idleTimers.delete(chatId);
    if (!this.lastAnnounced.has(chatId)) return;
    this.lastAnnounced.delete(chatId);
    void this.socket.request('typing', { chatId, isTyping: false });
  }

  private setTyping(chatId: string, userId: string, isTyping: boolean): void {
    const current = this.typists()[chatId] ?? {};
    if (!isTyping && !(userId in current)) return;
    const next = { ...current };
    if (isTyping) next[userId] = Date.now() + TYPING_EXPIRY_MS;
    else delete next[userId];
    this.typists.update((all) => ({ ...all, [chatId]: next }));
    this.scheduleExpiry();
  }

  private scheduleExpiry(): void {
    if (this.expiryTimer !== undefined) return;
    this.expiryTimer = setInterval(() => {
      const now = Date.now();
      let anyLeft = false;
      const next: Record<string, Record<string, number>> = {};
      for (const [chatId, users] of Object.entries(this.typists())) {
        const alive = Object.entries(users).filter(([, until]) => until > now);
        if (alive.length) {
          next[chatId] = Object.fromEntries(alive);
          anyLeft = true;
        }
      }
      this.typists.set(next);
      if (!anyLeft) {
        clearInterval(this.expiryTimer);
        this.expiryTimer = undefined;
      }
    }, 1_000);
  }
}
