import { Global, Module } from '@nestjs/common';
import { REDIS, type RedisConnections } from '../redis/redis.module';
import { Broadcaster } from './broadcaster.service';
import { MemoryPresenceService } from './memory-presence.service';
import { PresenceService } from './presence.service';
import { RedisPresenceService } from './redis-presence.service';

/** The realtime state every feature module may use, without depending on the gateway. */
@Global()
@Module({
  providers: [
    Broadcaster,
    {
      provide: PresenceService,
      inject: [REDIS],
      useFactory: (redis: RedisConnections | null): PresenceService =>
        redis ? new RedisPresenceService(redis.commands) : new MemoryPresenceService(),
    },
  ],
  exports: [Broadcaster, PresenceService],
})
export class BroadcastModule {}
