import type { Row, W7Results } from './results';

const num = (value: number, digits = 1) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits });
const RARE_P99_MS = 50;
const COMMON_P99_MS = 150;
const WRITE_LOSS_MAX = 0.1;
const AROUND_VS_FIRST_MAX = 1.2;

/** W7's judged figures, as rows of the summary table. */
export function searchRows(w7: W7Results): Row[] {
  const workload = `W7 search, ${num(w7.rows, 0)} messages, c=${w7.concurrency}`;
  const rows: Row[] = [];
  const p99 = (kind: string) => w7.kinds.find((k) => k.kind === kind)?.measured.result.latency.p99;
  const rare = p99('rare word');
  const common = p99('most common word');
  rows.push({
    workload,
    metric: 'p99, a rare word',
    api: rare ?? null,
    baseline: null,
    baselineName: '–',
    unit: 'ms',
    ratio: null,
    target: `≤ ${RARE_P99_MS} ms`,
    met: rare === undefined ? null : rare <= RARE_P99_MS,
  });
  rows.push({
    workload,
    metric: 'p99, the most common word',
    api: common ?? null,
    baseline: null,
    baselineName: '–',
    unit: 'ms',
    ratio: null,
    target: `≤ ${COMMON_P99_MS} ms`,
    met: common === undefined ? null : common <= COMMON_P99_MS,
  });
  const { withIndex, without } = w7.write;
  rows.push({
    workload,
    metric: 'single-message inserts/s with search upkeep (raw pg)',
    api: withIndex,
    baseline: without,
    baselineName: 'without',
    unit: '/s',
    ratio: without ? withIndex / without : null,
    target: `≥ ${1 - WRITE_LOSS_MAX}× without`,
    met: without > 0 && withIndex >= (1 - WRITE_LOSS_MAX) * without,
  });
  const around = w7.around.result.latency.p99;
  const first = w7.firstPage.result.latency.p99;
  rows.push({
    workload,
    metric: 'history p99, around ÷ first page',
    api: around,
    baseline: first,
    baselineName: 'first page',
    unit: 'ms',
    ratio: first ? around / first : null,
    target: `≤ ${AROUND_VS_FIRST_MAX}`,
    met: first > 0 && around <= AROUND_VS_FIRST_MAX * first,
  });
  return rows;
}

function planHeadline(plan: string): string {
  const scans = [
    ...new Set(
      [
        ...plan.matchAll(
          /(Bitmap Index Scan on \w+|Index Scan Backward using \w+|Index Scan using \w+|Seq Scan on \w+)/g,
        ),
      ].map((m) => m[1]),
    ),
  ];
  const time = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
  return [scans.map((s) => `\`${s}\``).join(' + '), time ? `${time} ms` : null]
    .filter(Boolean)
    .join(', ');
}

/** The W7 section of the report. */
export function searchSection(w7: W7Results): string[] {
  const row = (name: string, m: W7Results['firstPage'], queries = '') =>
    `| ${name} | ${queries} | ${num(m.result.rate, 0)} | ${num(m.result.latency.p50, 2)} / ${num(m.result.latency.p99, 2)} | ${num(m.result.rows)} | ${m.result.errors} | ${num(m.cpu.cores['api'] ?? 0, 2)} | ${num(m.cpu.cores['postgres'] ?? 0, 2)} |`;
  const loss = w7.write.without ? 1 - w7.write.withIndex / w7.write.without : 0;
  const { batched } = w7.write;
  const batchedLoss = batched.without ? 1 - batched.withIndex / batched.without : 0;
  return [
    '## W7 — search',
    '',
    `${num(w7.rows, 0)} messages seeded with COPY (${num(w7.seedMs / 1000)} s, of which the GIN ` +
      `index build ${num(w7.indexMs / 1000)} s): sentences of 3-14 words, 40 % Ukrainian, 30 % ` +
      'Russian, 30 % English, each word drawn from a 60,000-word vocabulary per language (its ' +
      'common words, then made-up ones) with Zipf frequencies (rank r weighs 1/r); 40 % in `all`, ' +
      `20 % in the searcher's ${w7.chats - 1} direct chats, 40 % in chats of others. The searcher ` +
      `(in \`all\` and those chats) sends GET /api/search?limit=20 at concurrency ${w7.concurrency}, ` +
      'cycling through each kind of query.',
    '',
    '| query | examples | answers/s | p50 / p99 ms | hits per answer | errors | API cores | postgres cores |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...w7.kinds.map((k) =>
      row(
        k.kind,
        k.measured,
        k.queries
          .slice(0, 3)
          .map((q) => `\`${q}\``)
          .join(', '),
      ),
    ),
    row('history of `all`, first page (50)', w7.firstPage),
    row('history of `all`, around a message in its middle (50)', w7.around),
    '',
    'Write path, raw node-pg on two connections: inserts into two copies of `messages` holding ' +
      `the same ${num(w7.write.prefill, 0)} rows, one with the generated tsvector and its GIN ` +
      'index and one without (alternated, twice each). One message per statement and commit, ' +
      `as a lone send: ${num(w7.write.without, 0)} rows/s without, ${num(w7.write.withIndex, 0)} ` +
      `with (**${num(loss * 100)} %** lost); batches of ${w7.write.batched.batch}, as the writer's ` +
      `group commit under load: ${num(w7.write.batched.without, 0)} without, ` +
      `${num(w7.write.batched.withIndex, 0)} with (${num(batchedLoss * 100)} % lost). This is ` +
      "the database's share alone; a send through the API costs the same search upkeep on top " +
      'of much more work of its own, so W1 through the API loses less than these.',
    '',
    "PostgreSQL's plans for the searcher's query (EXPLAIN ANALYZE after the runs):",
    '',
    ...w7.plans.flatMap((p) => [
      `<details><summary>${p.title}: ${planHeadline(p.plan)}</summary>`,
      '',
      '```',
      p.plan,
      '```',
      '',
      '</details>',
      '',
    ]),
  ];
}
