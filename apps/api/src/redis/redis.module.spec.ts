import { Logger } from '@nestjs/common';
import { RedisServer } from '@chat/test-harness';
import { connectRedis, type RedisConnections } from './redis.module';

/**
 * The Socket.IO adapter subscribes as soon as it is made, which can fall between the TCP
 * connect and "ready": the subscriber connection must take it and keep it (a real Redis).
 */
describe('Redis connections', () => {
  let redis: RedisServer;
  let connections: RedisConnections | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start('api-redis-module');
  });
  afterEach(async () => {
    await Promise.all(Object.values(connections ?? {}).map((client) => client.quit()));
    connections = undefined;
  });
  afterAll(async () => {
    await redis.destroy();
  });

  it('keeps a subscription made before the subscriber is ready, and hears what is published', async () => {
    const warnings: string[] = [];
    const logger = new Logger('spec');
    jest.spyOn(logger, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
    connections = connectRedis(redis.url, logger);
    const { sub, pub } = connections;
    const subscribed = new Promise<unknown>((resolve, reject) => {
      sub.once('connect', () => {
        sub.psubscribe('chat-spec#*').then(resolve, reject);
      });
    });
    await subscribed;
    const heard = new Promise<string>((resolve) => {
      sub.on('pmessage', (_pattern: string, _channel: string, message: string) => resolve(message));
    });
    if (sub.status !== 'ready') await new Promise((resolve) => sub.once('ready', resolve));
    await pub.publish('chat-spec#1', 'hello');

    expect(await heard).toBe('hello');
    expect(warnings).toEqual([]);
  });
});
