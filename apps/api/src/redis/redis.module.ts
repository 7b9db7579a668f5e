import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import Redis, { type RedisOptions } from 'ioredis';
import { appConfig } from '../config/configuration';

/** Redis connections when REDIS_URL is set; `null` when the API runs as a single instance. */
export const REDIS = Symbol('REDIS');

export interface RedisConnections {
  /** Commands (presence, rate limits): fail fast while Redis is away instead of queueing. */
  commands: Redis;
  /** Publisher and subscriber of the Socket.IO adapter. */
  pub: Redis;
  sub: Redis;
}

export function connectRedis(url: string, logger: Logger): RedisConnections {
  const make = (name: string, options: RedisOptions = {}) => {
    const client = new Redis(url, { connectionName: `chat-${name}`, ...options });
    let down = false;
    client.on('error', (error: Error) => {
      if (!down) logger.warn(`Redis (${name}) unavailable: ${error.message}`);
      down = true;
    });
    client.on('ready', () => {
      if (down) logger.log(`Redis (${name}) is back`);
      down = false;
    });
    return client;
  };
  return {
    commands: make('commands', { enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
    // The adapter's publishes wait for Redis to return rather than fail unhandled.
    pub: make('pub', { maxRetriesPerRequest: null }),
    // No ready check (INFO) and no CLIENT SETINFO: ioredis writes a SUBSCRIBE made between the
    // TCP connect and "ready" at once, and the INFO sent after it is refused in subscriber mode;
    // ioredis then tears the connection down with the adapter's subscriptions, and the instance
    // hears no other instance (seen at start-up under load; ioredis issue #2037).
    sub: make('sub', {
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
      disableClientInfo: true,
    }),
  };
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [appConfig.KEY],
      useFactory: (config: ConfigType<typeof appConfig>): RedisConnections | null =>
        config.redisUrl ? connectRedis(config.redisUrl, new Logger('Redis')) : null,
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisConnections | null) {}

  /** QUIT (pending replies first) where the connection is up; a down one is just dropped. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    await Promise.all(
      Object.values(this.redis).map((client) =>
        client.status === 'ready'
          ? client.quit().catch(() => client.disconnect())
          : client.disconnect(),
      ),
    );
  }
}
