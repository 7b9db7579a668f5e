/** A window counter after one more hit. */
export interface WindowCount {
  count: number;
  /** Until the window ends and the counter starts again from zero. */
  resetInMs: number;
}

/**
 * Counters behind every limit (failed logins, registrations, message sends). In memory for a
 * single instance; in Redis when REDIS_URL is set, so limits hold across instances.
 */
export abstract class RateLimitStore {
  /** Takes one token from a bucket of `burst` refilled at `ratePerSecond`; false when empty. */
  abstract takeToken(key: string, ratePerSecond: number, burst: number): Promise<boolean>;

  /** Adds one to a counter that resets `windowMs` after its first hit: the new count. */
  abstract increment(key: string, windowMs: number): Promise<WindowCount>;

  /** Takes one back (an attempt that turned out fine), never below zero. */
  abstract decrement(key: string): Promise<void>;
}
