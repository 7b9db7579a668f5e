import { Module } from '@nestjs/common';
import { DomainEvents } from './domain-events';
import { RoomMembership } from './room-membership';

/**
 * The domain event bus. Not global: a module that emits or listens imports it, so its
 * imports say so. Nest makes one instance however many modules import it.
 */
@Module({
  providers: [DomainEvents, RoomMembership],
  exports: [DomainEvents, RoomMembership],
})
export class EventsModule {}
