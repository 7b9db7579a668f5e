import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimitStore, type WindowCount } from './rate-limit.store';

/** Token bucket in one atomic step, on Redis's clock so every instance agrees. */
const TAKE_TOKEN = `
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) / 1000 * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return allowed`;

const INCREMENT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

const DECREMENT = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end`;

/**
 * Limits shared by every instance. While Redis is unreachable the limits fail open: a chat that
 * keeps working beats one that refuses every message because a counter is away.
 */
export class RedisRateLimitStore extends RateLimitStore {
  private readonly logger = new Logger(RedisRateLimitStore.name);

  constructor(private readonly redis: Redis) {
    super();
  }

  async takeToken(key: string, ratePerSecond: number, burst: number): Promise<boolean> {
    const allowed = await this.run(() =>
      this.redis.eval(TAKE_TOKEN, 1, `rl:${key}`, ratePerSecond, burst),
    );
    return allowed === null || allowed === 1;
  }

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    const reply = await this.run(() => this.redis.eval(INCREMENT, 1, `rl:${key}`, windowMs));
    const [count, ttl] = Array.isArray(reply) ? reply : [];
    return {
      count: typeof count === 'number' ? count : 0,
      resetInMs: typeof ttl === 'number' && ttl > 0 ? ttl : windowMs,
    };
  }

  async decrement(key: string): Promise<void> {
    await this.run(() => this.redis.eval(DECREMENT, 1, `rl:${key}`));
  }

  private async run<T>(command: () => Promise<T>): Promise<T | null> {
    try {
      return await command();
    } catch (error) {
      this.logger.warn(`Rate limit not applied, Redis unavailable: ${(error as Error).message}`);
      return null;
    }
  }
}
