import * as bcrypt from 'bcrypt';
import type { BcryptCommands, RateResult } from '../lib/protocol';
import { serveRpc } from '../lib/rpc';
import { Latency } from '../lib/stats';

/**
 * The bcrypt ceiling: the same native `bcrypt.compare` the API's sign-in uses, at the same
 * concurrency, with nothing else in the process (libuv's default 4 worker threads, as in the
 * API).
 */
serveRpc<BcryptCommands>({
  run: async ({ hash, password, concurrency, warmupMs, durationMs }): Promise<RateResult> => {
    const latency = new Latency();
    const errors: Record<string, number> = {};
    let completed = 0;
    const measureFrom = performance.now() + warmupMs;
    const end = measureFrom + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const t = performance.now();
          if (t >= end) return;
          const ok = await bcrypt.compare(password, hash);
          const now = performance.now();
          if (!ok) errors['mismatch'] = (errors['mismatch'] ?? 0) + 1;
          else if (t >= measureFrom && now <= end) {
            completed++;
            latency.record(now - t);
          }
        }
      }),
    );
    return { completed, errors, rate: completed / (durationMs / 1000), latency: latency.summary() };
  },
});
