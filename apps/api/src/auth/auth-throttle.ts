import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { RateLimitStore } from '../common/rate-limit/rate-limit.store';
import { authConfig, type AuthConfig } from '../config/configuration';

const TOO_MANY_LOGINS = 'Too many failed sign-in attempts; try again later';

/**
 * Failed logins per login and per client address, and registrations per address. Successful
 * sign-ins do not count, so normal use is never throttled.
 */
@Injectable()
export class AuthThrottle {
  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    private readonly store: RateLimitStore,
  ) {}

  /**
   * Counts the attempt before the password is compared, so a burst of parallel guesses cannot
   * all pass the check; a successful sign-in gives its slot back (`loginSucceeded`).
   */
  async takeLoginAttempt(login: string, address: string): Promise<void> {
    const window = this.config.failedLoginWindowMs;
    const [byLogin, byAddress] = await Promise.all([
      this.store.increment(`login:${login}`, window),
      this.store.increment(`login-ip:${address}`, window),
    ]);
    const limit = this.config.failedLoginLimit;
    if (byLogin > limit || byAddress > limit * 5) {
      throw new AppError('rate_limited', TOO_MANY_LOGINS);
    }
  }

  async loginSucceeded(login: string, address: string): Promise<void> {
    await Promise.all([
      this.store.decrement(`login:${login}`),
      this.store.decrement(`login-ip:${address}`),
    ]);
  }

  async takeRegistration(address: string): Promise<void> {
    const count = await this.store.increment(
      `register-ip:${address}`,
      this.config.registrationWindowMs,
    );
    if (count > this.config.registrationLimit) {
      throw new AppError(
        'rate_limited',
        'Too many accounts created from this address; try again later',
      );
    }
  }
}
