import { Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { LIMITS, type PresenceEvent } from '@chat/shared-types';
import { ChatSocketService } from '../../../core/realtime/chat-socket.service';

/**
 * The presence of people on screen whom the user shares no direct chat with (the member list
 * of `All`, the people picker): the server sends presence to contacts only, so the page asks
 * for the rows it shows with `presence:watch` (the list replaces the previous one). Known
 * states come from the ack and from the `presence:batch` events that follow; the list is sent
 * again after every reconnection, since the server forgets it with the socket.
 */
@Injectable()
export class PresenceWatch {
  private readonly socket = inject(ChatSocketService);
  private readonly states = signal<ReadonlyMap<string, boolean>>(new Map());
  private watched: readonly string[] = [];

  constructor() {
    this.socket
      .on('presence:batch')
      .pipe(takeUntilDestroyed())
      .subscribe(({ changes }) => this.apply(changes));
    this.socket
      .on('presence')
      .pipe(takeUntilDestroyed())
      .subscribe((change) => this.apply([change]));
    this.socket.connected$.pipe(takeUntilDestroyed()).subscribe(() => {
      if (this.watched.length > 0) void this.send();
    });
  }

  /** The user's presence as last heard, else `fallback` (what the list said when fetched). */
  online(userId: string, fallback: boolean): boolean {
    return this.states().get(userId) ?? fallback;
  }

  /** Watches exactly these users (the first 500); nothing is sent when the list is the same. */
  watch(userIds: readonly string[]): void {
    const next = [...new Set(userIds)].slice(0, LIMITS.presenceWatchMax);
    if (sameMembers(next, this.watched)) return;
    this.watched = next;
    void this.send();
  }

  private async send(): Promise<void> {
    const userIds = [...this.watched];
    const ack = await this.socket.request('presence:watch', { userIds });
    // A later list was sent meanwhile: its ack is the one that counts.
    if (!ack.ok || !sameMembers(userIds, this.watched)) return;
    const online = new Set(ack.data.online);
    this.states.update((states) => {
      const next = new Map(states);
      for (const id of userIds) next.set(id, online.has(id));
      return next;
    });
  }

  private apply(changes: readonly PresenceEvent[]): void {
    this.states.update((states) => {
      const next = new Map(states);
      for (const change of changes) next.set(change.userId, change.online);
      return next;
    });
  }
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(b);
  return a.every((id) => set.has(id));
}
