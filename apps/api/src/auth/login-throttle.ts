import { Inject, Injectable } from '@nestjs/common';
import { authConfig, type AuthConfig } from '../config/configuration';
import { AppError } from '../common/app-error';

/**
 * Counts failed logins per login and per client address in a sliding window; once over the
 * limit, further attempts answer 429 until the window passes. Successes do not count.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(@Inject(authConfig.KEY) private readonly config: AuthConfig) {}

  assertAllowed(login: string, address: string): void {
    const now = Date.now();
    if (
      this.recent(`login:${login}`, now) >= this.config.failedLoginLimit ||
      this.recent(`ip:${address}`, now) >= this.config.failedLoginLimit * 5
    ) {
      throw new AppError('rate_limited', 'Too many failed sign-in attempts; try again later');
    }
  }

  recordFailure(login: string, address: string): void {
    const now = Date.now();
    for (const key of [`login:${login}`, `ip:${address}`]) {
      this.failures.set(key, [...this.window(key, now), now]);
    }
  }

  private recent(key: string, now: number): number {
    const times = this.window(key, now);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times.length;
  }

  private window(key: string, now: number): number[] {
    const from = now - this.config.failedLoginWindowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > from);
  }
}
