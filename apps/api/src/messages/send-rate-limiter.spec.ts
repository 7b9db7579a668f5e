import { SendRateLimiter } from './send-rate-limiter';

describe('SendRateLimiter', () => {
  afterEach(() => jest.useRealTimers());

  it('allows a burst, refuses beyond it, and refills over time, per sender', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const limiter = new SendRateLimiter({ ratePerSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) limiter.take('ann');
    expect(() => limiter.take('ann')).toThrow(expect.objectContaining({ code: 'rate_limited' }));
    expect(() => limiter.take('bob')).not.toThrow();

    jest.advanceTimersByTime(500);
    expect(() => limiter.take('ann')).not.toThrow();
    expect(() => limiter.take('ann')).toThrow(expect.objectContaining({ code: 'rate_limited' }));
  });
});
