/**
 * Who is online: a user is online while at least one of their sockets is connected, on any
 * instance, so closing a second tab does not flip them offline.
 */
export abstract class PresenceService {
  /** Counts a new socket; true when it is the user's first (they just came online). */
  abstract connected(userId: string, socketId: string): Promise<boolean>;

  /** Uncounts a socket; true when it was the user's last (they just went offline). */
  abstract disconnected(userId: string, socketId: string): Promise<boolean>;

  /** Which of these users are online now. */
  abstract onlineAmong(userIds: readonly string[]): Promise<Set<string>>;

  async isOnline(userId: string): Promise<boolean> {
    return (await this.onlineAmong([userId])).has(userId);
  }
}
