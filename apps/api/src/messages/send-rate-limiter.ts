import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { RateLimitStore } from '../common/rate-limit/rate-limit.store';
import { messagesConfig, type MessagesConfig } from '../config/configuration';

/** A token bucket per sender: bursts up to `burst`, refilled at `ratePerSecond`. */
@Injectable()
export class SendRateLimiter {
  constructor(
    @Inject(messagesConfig.KEY) private readonly config: MessagesConfig,
    private readonly store: RateLimitStore,
  ) {}

  async take(userId: string): Promise<void> {
    const { ratePerSecond, burst } = this.config;
    if (!(await this.store.takeToken(`send:${userId}`, ratePerSecond, burst))) {
      // An empty bucket holds a token again within one refill interval.
      throw new AppError('rate_limited', 'You are sending too fast; wait a moment', {
        retryAfterMs: 1000 / ratePerSecond,
      });
    }
  }
}
