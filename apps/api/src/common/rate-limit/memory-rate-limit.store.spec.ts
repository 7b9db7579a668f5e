import { MemoryRateLimitStore } from './memory-rate-limit.store';

describe('MemoryRateLimitStore', () => {
  afterEach(() => jest.useRealTimers());

  it('allows a burst, refuses beyond it, and refills over time, per key', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const store = new MemoryRateLimitStore();
    for (let i = 0; i < 3; i++) expect(await store.takeToken('ann', 2, 3)).toBe(true);
    expect(await store.takeToken('ann', 2, 3)).toBe(false);
    expect(await store.takeToken('bob', 2, 3)).toBe(true);

    jest.advanceTimersByTime(500);
    expect(await store.takeToken('ann', 2, 3)).toBe(true);
    expect(await store.takeToken('ann', 2, 3)).toBe(false);
  });

  it('counts within a window, says when it ends, gives slots back, and starts again after it', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const store = new MemoryRateLimitStore();
    expect(await store.increment('k', 1000)).toEqual({ count: 1, resetInMs: 1000 });
    jest.advanceTimersByTime(400);
    expect(await store.increment('k', 1000)).toEqual({ count: 2, resetInMs: 600 });
    await store.decrement('k');
    expect(await store.increment('k', 1000)).toEqual({ count: 2, resetInMs: 600 });
    jest.advanceTimersByTime(601);
    expect(await store.increment('k', 1000)).toEqual({ count: 1, resetInMs: 1000 });
  });
});
