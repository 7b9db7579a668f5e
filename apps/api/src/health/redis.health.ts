import { Inject, Injectable } from '@nestjs/common';
import { REDIS, type RedisConnections } from '../redis/redis.module';

/** `off` without REDIS_URL; otherwise whether Redis answers a PING. */
@Injectable()
export class RedisHealth {
  constructor(@Inject(REDIS) private readonly redis: RedisConnections | null) {}

  async state(): Promise<'up' | 'down' | 'off'> {
    if (!this.redis) return 'off';
    try {
      return (await this.redis.commands.ping()) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }
}
