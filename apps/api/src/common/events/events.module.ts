import { Module } from '@nestjs/common';
import { DomainEvents } from './domain-events';

/**
 * The domain event bus. Not global: a module that emits or listens imports it, so its
 * imports say so. Nest makes one instance however many modules import it.
 */
@Module({
  providers: [DomainEvents],
  exports: [DomainEvents],
})
export class EventsModule {}
