import { Injectable } from '@nestjs/common';

/**
 * Counts each user's open sockets: a user is online while at least one is connected, so a
 * second tab closing does not flip them offline.
 */
@Injectable()
export class PresenceService {
  private readonly sockets = new Map<string, number>();

  /** True when this was the user's first socket (they just came online). */
  connected(userId: string): boolean {
    const count = (this.sockets.get(userId) ?? 0) + 1;
    this.sockets.set(userId, count);
    return count === 1;
  }

  /** True when this was the user's last socket (they just went offline). */
  disconnected(userId: string): boolean {
    const count = (this.sockets.get(userId) ?? 0) - 1;
    if (count > 0) {
      this.sockets.set(userId, count);
      return false;
    }
    this.sockets.delete(userId);
    return true;
  }

  isOnline(userId: string): boolean {
    return this.sockets.has(userId);
  }
}
