import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/configuration';
import { ChatsService } from '../chats/chats.service';
import { PresenceService } from '../presence/presence.service';
import { Broadcaster } from './broadcaster.service';

/**
 * Turns sockets coming and going into presence changes for peers (direct-chat peers, watchers,
 * and the members of the user's groups, read when the change is announced). A user is online from their
 * first socket (on any instance) until their last one closes; going offline is announced only
 * after PRESENCE_GRACE_MS, and not at all if a socket came back meanwhile, so a reload or a
 * reconnect storm sends no presence. Best effort: a failure (Redis away) is logged, and the
 * socket is served anyway; if only the groups cannot be read (PostgreSQL away), the change still
 * goes to the direct-chat peers and watchers.
 */
@Injectable()
export class PresenceTracker implements OnModuleDestroy {
  private readonly logger = new Logger(PresenceTracker.name);

  /** Users whose last socket closed here, not yet announced offline (a reload, a flaky link). */
  private readonly goingOffline = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly presence: PresenceService,
    private readonly broadcaster: Broadcaster,
    private readonly chats: ChatsService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async connected(userId: string, socketId: string): Promise<void> {
    try {
      const first = await this.presence.connected(userId, socketId);
      const pending = this.goingOffline.get(userId);
      if (pending) {
        // Back within the grace period: peers were never told they left.
        clearTimeout(pending);
        this.goingOffline.delete(userId);
      } else if (first) {
        this.broadcaster.presence(userId, true, await this.groupsOf(userId));
      }
    } catch (error) {
      this.logger.warn(`Could not record ${userId} coming online: ${String(error)}`);
    }
  }

  async disconnected(userId: string, socketId: string): Promise<void> {
    try {
      if (!(await this.presence.disconnected(userId, socketId))) return;
      if (this.goingOffline.has(userId)) return;
      const timer = setTimeout(
        () => void this.announceOffline(userId),
        this.config.presenceGraceMs,
      ).unref();
      this.goingOffline.set(userId, timer);
    } catch (error) {
      this.logger.warn(`Could not record ${userId} going offline: ${String(error)}`);
    }
  }

  onModuleDestroy(): void {
    for (const timer of this.goingOffline.values()) clearTimeout(timer);
    this.goingOffline.clear();
  }

  /** Unless a socket of the user came back meanwhile, here or on another instance. */
  private async announceOffline(userId: string): Promise<void> {
    this.goingOffline.delete(userId);
    try {
      if (await this.presence.isOnline(userId)) return;
      this.broadcaster.presence(userId, false, await this.groupsOf(userId));
    } catch (error) {
      this.logger.warn(`Could not announce ${userId} offline: ${String(error)}`);
    }
  }

  /** The user's groups, or none if they cannot be read: the others are told all the same. */
  private async groupsOf(userId: string): Promise<string[]> {
    try {
      return await this.chats.groupsOf(userId);
    } catch (error) {
      this.logger.warn(
        `Could not read ${userId}'s groups; their presence goes to the others only: ${String(error)}`,
      );
      return [];
    }
  }
}
