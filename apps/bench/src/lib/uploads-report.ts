import type { Row } from './results';
import type { UploadResults } from './uploads';

const num = (value: number, digits = 1) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits });
/** Streaming: the API's RSS may grow by a few buffers per upload in flight, never by the file. */
const RSS_GROWTH_MAX_MIB = 64;

/** W8's figures as rows of the summary table: throughput, and the peak RSS the uploads cost. */
export function uploadRows(w8: UploadResults): Row[] {
  return w8.runs.flatMap((run) => {
    const workload = `W8 uploads, ${run.sizeMb} MB × ${run.files}, c=${run.concurrency}`;
    const growth = run.rssPeakMiB - run.rssBeforeMiB;
    return [
      {
        workload,
        metric: 'throughput',
        api: run.mbPerSecond,
        baseline: null,
        baselineName: '–',
        unit: 'MB/s',
        ratio: null,
        target: 'all stored',
        met: run.failed === 0,
      },
      {
        workload,
        metric: 'API peak RSS (before)',
        api: run.rssPeakMiB,
        baseline: run.rssBeforeMiB,
        baselineName: 'before',
        unit: 'MiB',
        ratio: run.rssBeforeMiB ? run.rssPeakMiB / run.rssBeforeMiB : null,
        target: `≤ before + ${RSS_GROWTH_MAX_MIB} MiB`,
        met: growth <= RSS_GROWTH_MAX_MIB,
      },
    ];
  });
}

export function uploadSection(w8: UploadResults): string[] {
  return [
    '## W8 uploads',
    '',
    `Attachments uploaded to an API of its own (files in ${w8.storage}), random bytes (no image ` +
      'decoding), several at a time; the resident memory of the API process sampled every 20 ms.',
    '',
    '| size | files | concurrency | MB/s | files/s | API RSS before | API RSS peak | failed |',
    '| ---- | ----- | ----------- | ---- | ------- | -------------- | ------------ | ------ |',
    ...w8.runs.map(
      (r) =>
        `| ${r.sizeMb} MB | ${r.files} | ${r.concurrency} | ${num(r.mbPerSecond)} | ${num(r.filesPerSecond)} | ${num(r.rssBeforeMiB, 0)} MiB | ${num(r.rssPeakMiB, 0)} MiB | ${r.failed} |`,
    ),
    '',
  ];
}
