import { Injectable } from '@nestjs/common';

/** Moves every socket of some users into or out of a chat's room, on every instance. */
export interface RoomMover {
  join(chatId: string, userIds: readonly string[]): Promise<void>;
  leave(chatId: string, userIds: readonly string[]): Promise<void>;
}

/**
 * Lets a feature wait until sockets have joined or left a chat's room on every instance, which
 * a fire-and-forget domain event cannot: a group's removal holds the chat's lock until its
 * removed member's sockets are out of the room (docs/architecture.md, "Groups"). The realtime
 * layer registers the mover; features only see this interface (they never import realtime).
 * Without a mover (no socket server, e.g. a script), there are no sockets to move.
 */
@Injectable()
export class RoomMembership {
  private mover: RoomMover | null = null;

  register(mover: RoomMover): void {
    this.mover = mover;
  }

  async join(chatId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length > 0) await this.mover?.join(chatId, userIds);
  }

  async leave(chatId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length > 0) await this.mover?.leave(chatId, userIds);
  }
}
