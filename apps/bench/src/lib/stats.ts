import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

/** Latency percentiles in milliseconds. */
export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export const EMPTY_SUMMARY: Summary = { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };

/** An HDR histogram of milliseconds, recorded in microseconds (1 µs .. 1 h). */
export class Latency {
  private readonly histogram: RecordableHistogram = createHistogram({
    lowest: 1,
    highest: 3_600_000_000,
    figures: 3,
  });

  record(ms: number): void {
    const us = Math.round(ms * 1000);
    this.histogram.record(us < 1 ? 1 : us > 3_600_000_000 ? 3_600_000_000 : us);
  }

  get count(): number {
    return this.histogram.count;
  }

  summary(): Summary {
    const h = this.histogram;
    if (h.count === 0) return { ...EMPTY_SUMMARY };
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      count: h.count,
      p50: ms(h.percentile(50)),
      p90: ms(h.percentile(90)),
      p99: ms(h.percentile(99)),
      max: ms(h.max),
      mean: ms(h.mean),
    };
  }
}

export { sleep } from '@chat/test-harness';

export const round = (value: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
