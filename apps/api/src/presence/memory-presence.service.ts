import { PresenceService } from './presence.service';

/** Presence of a single instance: its own sockets are all the sockets there are. */
export class MemoryPresenceService extends PresenceService {
  private readonly sockets = new Map<string, Set<string>>();

  async connected(userId: string, socketId: string): Promise<boolean> {
    const sockets = this.sockets.get(userId) ?? new Set<string>();
    sockets.add(socketId);
    this.sockets.set(userId, sockets);
    return sockets.size === 1;
  }

  async disconnected(userId: string, socketId: string): Promise<boolean> {
    const sockets = this.sockets.get(userId);
    if (!sockets?.delete(socketId)) return false;
    if (sockets.size > 0) return false;
    this.sockets.delete(userId);
    return true;
  }

  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.sockets.has(id)));
  }
}
