import { Global, Module } from '@nestjs/common';
import { REDIS, type RedisConnections } from '../../redis/redis.module';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RateLimitStore } from './rate-limit.store';
import { RedisRateLimitStore } from './redis-rate-limit.store';

@Global()
@Module({
  providers: [
    {
      provide: RateLimitStore,
      inject: [REDIS],
      useFactory: (redis: RedisConnections | null): RateLimitStore =>
        redis ? new RedisRateLimitStore(redis.commands) : new MemoryRateLimitStore(),
    },
  ],
  exports: [RateLimitStore],
})
export class RateLimitModule {}
