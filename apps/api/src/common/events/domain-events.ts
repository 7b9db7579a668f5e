import { Injectable, Logger } from '@nestjs/common';
import type { Chat, Message, ReadEvent } from '@chat/shared-types';

/** A message was committed (never for a repeated clientId: that one was announced already). */
export interface MessageCreated {
  message: Message;
}

/** A message changed (edited, deleted, a reaction set or cleared): its new state. */
export interface MessageUpdated {
  message: Message;
}

/** A direct chat was created; each member's own view of it (titles differ), by user id. */
export interface ChatCreated {
  chatsByUser: ReadonlyMap<string, Chat>;
}

/** A group changed (renamed, members or roles): each member's own view of it, by user id. */
export interface ChatUpdated {
  chatsByUser: ReadonlyMap<string, Chat>;
}

/** Users left a group or were removed (their sockets have left its room already). */
export interface ChatRemoved {
  chatId: string;
  userIds: readonly string[];
}

/** A member's read mark moved forward. */
export type ChatRead = ReadEvent;

/** A session was revoked (logout): whatever it has open must close. */
export interface SessionEnded {
  userId: string;
  sessionId: string;
}

/** Every domain event, by name. Feature services emit them; they never learn who listens. */
export interface DomainEventMap {
  'message.created': MessageCreated;
  'message.updated': MessageUpdated;
  'chat.created': ChatCreated;
  'chat.updated': ChatUpdated;
  'chat.removed': ChatRemoved;
  'chat.read': ChatRead;
  'session.ended': SessionEnded;
}

export type DomainEventName = keyof DomainEventMap;
export type DomainEventListener<K extends DomainEventName> = (event: DomainEventMap[K]) => void;

/**
 * An in-process, synchronous, typed event bus: `emit` calls each listener directly, in the
 * order they subscribed, before it returns (no queue, no promise: the send path pays a
 * function call per listener). The event happened already when it is emitted, so a listener
 * that throws is logged and does not fail the emitter or the listeners after it.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger(DomainEvents.name);
  private readonly listeners: {
    [K in DomainEventName]: DomainEventListener<K>[];
  } = {
    'message.created': [],
    'message.updated': [],
    'chat.created': [],
    'chat.updated': [],
    'chat.removed': [],
    'chat.read': [],
    'session.ended': [],
  };

  emit<K extends DomainEventName>(name: K, event: DomainEventMap[K]): void {
    for (const listener of this.listeners[name]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(
          `A ${name} listener failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
    }
  }

  /** Subscribes; the returned function unsubscribes. */
  on<K extends DomainEventName>(name: K, listener: DomainEventListener<K>): () => void {
    const listeners: DomainEventListener<K>[] = this.listeners[name];
    listeners.push(listener);
    return () => {
      const index = listeners.indexOf(listener);
      if (index >= 0) listeners.splice(index, 1);
    };
  }
}
