import { RateLimitStore, type WindowCount } from './rate-limit.store';

interface Bucket {
  tokens: number;
  at: number;
}

interface Counter {
  count: number;
  resetAt: number;
}

const PRUNE_ABOVE = 10_000;

export class MemoryRateLimitStore extends RateLimitStore {
  private readonly buckets = new Map<string, Bucket & { full: number }>();
  private readonly counters = new Map<string, Counter>();

  async takeToken(key: string, ratePerSecond: number, burst: number): Promise<boolean> {
    const now = Date.now();
    const bucket = this.buckets.get(key);
    const tokens = bucket
      ? Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond)
      : burst;
    if (tokens < 1) return false;
    // A bucket that would be full again is the same as no bucket.
    this.buckets.set(key, {
      tokens: tokens - 1,
      at: now,
      full: now + (1000 / ratePerSecond) * burst,
    });
    if (this.buckets.size > PRUNE_ABOVE) prune(this.buckets, now, (b) => b.full);
    return true;
  }

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    const now = Date.now();
    const current = this.counters.get(key);
    const counter =
      current && current.resetAt > now ? current : { count: 0, resetAt: now + windowMs };
    counter.count += 1;
    this.counters.set(key, counter);
    if (this.counters.size > PRUNE_ABOVE) prune(this.counters, now, (c) => c.resetAt);
    return { count: counter.count, resetInMs: counter.resetAt - now };
  }

  async decrement(key: string): Promise<void> {
    const counter = this.counters.get(key);
    if (counter && counter.count > 0) counter.count -= 1;
  }
}

function prune<T>(map: Map<string, T>, now: number, expiresAt: (value: T) => number): void {
  for (const [key, value] of map) if (expiresAt(value) <= now) map.delete(key);
}
