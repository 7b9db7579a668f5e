import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { appConfig, type AppConfig } from '../config/configuration';

/** Pings Redis when REDIS_URL is set; `off` otherwise. */
@Injectable()
export class RedisHealth implements OnModuleDestroy {
  private readonly client: Redis | null;

  constructor(@Inject(appConfig.KEY) config: AppConfig) {
    this.client = config.redisUrl
      ? new Redis(config.redisUrl, {
          lazyConnect: true,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
        })
      : null;
    this.client?.on('error', () => undefined);
  }

  async state(): Promise<'up' | 'down' | 'off'> {
    if (!this.client) return 'off';
    try {
      if (this.client.status === 'wait') await this.client.connect();
      return (await this.client.ping()) === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.client?.disconnect();
  }
}
