import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { messagesConfig, type MessagesConfig } from '../config/configuration';

interface Bucket {
  tokens: number;
  at: number;
}

const PRUNE_ABOVE = 10_000;

/** A token bucket per sender: bursts up to `burst`, refilled at `ratePerSecond`. */
@Injectable()
export class SendRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(@Inject(messagesConfig.KEY) private readonly config: MessagesConfig) {}

  take(userId: string): void {
    const now = Date.now();
    const tokens = this.tokens(this.buckets.get(userId), now);
    if (tokens < 1) throw new AppError('rate_limited', 'You are sending too fast; wait a moment');
    this.buckets.set(userId, { tokens: tokens - 1, at: now });
    if (this.buckets.size > PRUNE_ABOVE) this.pruneFull(now);
  }

  private tokens(bucket: Bucket | undefined, now: number): number {
    if (!bucket) return this.config.burst;
    const refill = ((now - bucket.at) / 1000) * this.config.ratePerSecond;
    return Math.min(this.config.burst, bucket.tokens + refill);
  }

  /** A full bucket is the same as no bucket. */
  private pruneFull(now: number): void {
    for (const [userId, bucket] of this.buckets) {
      if (this.tokens(bucket, now) >= this.config.burst) this.buckets.delete(userId);
    }
  }
}
