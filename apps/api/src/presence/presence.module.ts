import { Module } from '@nestjs/common';
import { REDIS, type RedisConnections } from '../redis/redis.module';
import { MemoryPresenceService } from './memory-presence.service';
import { PresenceService } from './presence.service';
import { RedisPresenceService } from './redis-presence.service';

/**
 * Who is online, shared by every instance when REDIS_URL is set. The realtime layer writes
 * it (sockets coming and going, realtime/presence-tracker.ts); users reads it for each
 * `User.online`, and auth for the signed-in user's.
 */
@Module({
  providers: [
    {
      provide: PresenceService,
      inject: [REDIS],
      useFactory: (redis: RedisConnections | null): PresenceService =>
        redis ? new RedisPresenceService(redis.commands) : new MemoryPresenceService(),
    },
  ],
  exports: [PresenceService],
})
export class PresenceModule {}
