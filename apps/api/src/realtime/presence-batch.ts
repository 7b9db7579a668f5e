import type { PresenceEvent } from '@chat/shared-types';

/** A change as instances pass it on: who hears it besides the user's audience. */
export interface PresenceChange extends PresenceEvent {
  /** The user's groups: their members hear it too (contract "Size"). */
  rooms: readonly string[];
}

/**
 * Collects presence changes for `presence:batch` and hands them to `flush` at most once per
 * interval. Each change is a real transition (the gateway reports a user's first socket and,
 * after the grace period, their last); a user who flips back within the interval cancels out,
 * since peers were last told the state the user is in again.
 */
export class PresenceBatch {
  /** userId → the latest state and groups, and the state peers were told before this batch. */
  private readonly pending = new Map<
    string,
    { online: boolean; before: boolean; rooms: readonly string[] }
  >();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (changes: PresenceChange[]) => void,
  ) {}

  add(userId: string, online: boolean, rooms: readonly string[] = []): void {
    const entry = this.pending.get(userId);
    if (!entry) {
      this.pending.set(userId, { online, before: !online, rooms });
    } else if (entry.before === online) {
      this.pending.delete(userId);
    } else {
      // Map order is first insertion: move the user to the end, where their latest change is.
      this.pending.delete(userId);
      this.pending.set(userId, { online, before: entry.before, rooms });
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs).unref();
  }

  private flush(): void {
    this.timer = null;
    if (this.pending.size === 0) return;
    const changes = [...this.pending].map(([userId, { online, rooms }]) => ({
      userId,
      online,
      rooms,
    }));
    this.pending.clear();
    this.send(changes);
  }

  /** Stops the timer; what is pending is dropped (the process is going away). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}
