import { sleep } from '@chat/test-harness';

/** How long a live update may take to show up before a test gives up on it. */
export const LIVE_TIMEOUT_MS = 15_000;

export { sleep };

/**
 * Retries `check` until it returns without throwing (typically a block of `expect`s), and
 * resolves with its result; past the deadline it throws the last failure.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = LIVE_TIMEOUT_MS,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) {
        if (error instanceof Error) {
          error.message = `still failing after ${timeoutMs} ms: ${error.message}`;
        }
        throw error;
      }
    }
    await sleep(intervalMs);
  }
}
