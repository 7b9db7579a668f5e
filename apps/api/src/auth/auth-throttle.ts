import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../common/app-error';
import { RateLimitStore, type WindowCount } from '../common/rate-limit/rate-limit.store';
import { authConfig, type AuthConfig } from '../config/configuration';

const TOO_MANY_LOGINS = 'Too many failed sign-in attempts from this address; try again later';

/** The first wait for a login that has had RATE_LIMIT_LOGIN failures from anywhere. */
export const LOGIN_DELAY_BASE_MS = 500;
/** The longest any sign-in waits, however many failures its login has had. */
export const LOGIN_DELAY_MAX_MS = 4_000;

/**
 * How long an attempt for a login waits before its password is checked, after `failures`
 * failed attempts for that login from any address in the window: nothing up to `limit`, then
 * 0.5 s, doubling every further `limit` failures, at most LOGIN_DELAY_MAX_MS.
 */
export function loginDelayMs(failures: number, limit: number): number {
  if (failures < limit) return 0;
  const doublings = Math.floor((failures - limit) / limit);
  return Math.min(LOGIN_DELAY_MAX_MS, LOGIN_DELAY_BASE_MS * 2 ** Math.min(doublings, 16));
}

/**
 * Failed sign-ins, counted so that guessing is expensive but nobody can lock a colleague out:
 * - per (login, address): RATE_LIMIT_LOGIN failures, then 429 for that address only;
 * - per address, whatever the login: 5 × RATE_LIMIT_LOGIN, then 429;
 * - per login, from every address: never refused, but slowed (loginDelayMs), so the owner
 *   still signs in from their own address while a stranger keeps failing from others.
 * And registrations per address. Successful sign-ins give their slots back, so normal use is
 * never throttled.
 */
@Injectable()
export class AuthThrottle {
  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    private readonly store: RateLimitStore,
  ) {}

  /**
   * Counts the attempt before the password is compared, so a burst of parallel guesses cannot
   * all pass the check; a successful sign-in gives its slots back (`loginSucceeded`).
   */
  async takeLoginAttempt(login: string, address: string): Promise<void> {
    const window = this.config.failedLoginWindowMs;
    const limit = this.config.failedLoginLimit;
    const [fromHere, fromAddress] = await Promise.all([
      this.store.increment(loginFromKey(login, address), window),
      this.store.increment(`login-ip:${address}`, window),
    ]);
    const exceeded = [
      fromHere.count > limit ? fromHere : null,
      fromAddress.count > limit * 5 ? fromAddress : null,
    ].filter((count): count is WindowCount => count !== null);
    if (exceeded.length > 0) {
      const retryAfterMs = Math.max(...exceeded.map((count) => count.resetInMs));
      throw new AppError('rate_limited', TOO_MANY_LOGINS, { retryAfterMs });
    }
    // Only attempts whose password is checked count against the login itself.
    const forLogin = await this.store.increment(`login:${login}`, window);
    const delay = loginDelayMs(forLogin.count - 1, limit);
    if (delay > 0) await sleep(delay);
  }

  async loginSucceeded(login: string, address: string): Promise<void> {
    await Promise.all([
      this.store.decrement(loginFromKey(login, address)),
      this.store.decrement(`login-ip:${address}`),
      this.store.decrement(`login:${login}`),
    ]);
  }

  async takeRegistration(address: string): Promise<void> {
    const { count, resetInMs } = await this.store.increment(
      `register-ip:${address}`,
      this.config.registrationWindowMs,
    );
    if (count > this.config.registrationLimit) {
      throw new AppError(
        'rate_limited',
        'Too many accounts created from this address; try again later',
        { retryAfterMs: resetInMs },
      );
    }
  }
}

function loginFromKey(login: string, address: string): string {
  return `login-from:${login}@${address}`;
}
