import { PROFILE_INTERVAL_US } from './bench';
import type { ProfileSummary } from './profile';
import type { CpuUse } from './proc';
import type { BenchResults, Measured, Row, Target, W2Search } from './results';
import { organizationRows, organizationSection } from './organization-report';
import { searchRows, searchSection } from './w7-report';
import { uploadRows, uploadSection } from './uploads-report';
import type { Summary } from './stats';
import type { W1ChangesResult } from './protocol';

export const fmt = (value: number | null | undefined, digits = 1): string => {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return '∞';
  const abs = Math.abs(value);
  const d = abs >= 100 ? 0 : digits;
  return value.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
};

const ratio = (api: number | null, baseline: number | null) =>
  api === null || baseline === null || baseline === 0 || Number.isNaN(api) ? null : api / baseline;

const TARGETS: Target[] = ['api', 'relay'];

/** Rows of W2's step table: one target's steps in `all`, or the API's in the group. */
interface W2Rows {
  name: string;
  side: Target;
  steps: W2Search['steps'];
}

/** W1 changes that were not acknowledged ok (refused, or no ack in time). */
function changesFailed(c: W1ChangesResult): number {
  return (
    c.edits.sent - c.edits.acked + (c.reactions.sent - c.reactions.acked) ||
    Object.values(c.errors).reduce((sum, n) => sum + n, 0)
  );
}

export function summaryRows(r: BenchResults): Row[] {
  const rows: Row[] = [];
  const add = (row: Omit<Row, 'ratio'> & { ratio?: number | null }) =>
    rows.push({ ratio: ratio(row.api, row.baseline), ...row });
  const atLeast = (api: number | null, baseline: number | null, k: number) =>
    (ratio(api, baseline) ?? 0) >= k;
  const atMost = (api: number | null, baseline: number | null, k: number) => {
    const x = ratio(api, baseline);
    return x !== null && x <= k;
  };

  if (r.w1) {
    const w1 = r.w1;
    const at1000 = (side: Target) =>
      w1[side].open.find((o) => o.result.rate === 1000) ?? w1[side].open[0];
    const api = at1000('api')?.result;
    const relay = at1000('relay')?.result;
    add({
      workload: 'W1 direct, 1,000 msg/s',
      metric: 'send→deliver p99',
      api: api?.deliver.p99 ?? null,
      baseline: relay?.deliver.p99 ?? null,
      baselineName: 'relay',
      unit: 'ms',
      target: 'API ≤ 15 ms',
      met: api ? api.deliver.p99 <= 15 && api.delivered === api.acked && api.acked > 0 : null,
    });
    add({
      workload: 'W1 direct, 1,000 msg/s',
      metric: 'ack p99',
      api: api?.ack.p99 ?? null,
      baseline: relay?.ack.p99 ?? null,
      baselineName: 'relay',
      unit: 'ms',
      target: '–',
      met: null,
    });
    const acked = w1.api.open.reduce((s, o) => s + o.result.acked, 0);
    const stored = w1.api.open.reduce((s, o) => s + (o.rowsStored ?? 0), 0);
    add({
      workload: 'W1 direct, open loop, all rates',
      metric: 'rows stored vs messages acked',
      api: stored,
      baseline: acked,
      baselineName: 'acked',
      unit: 'rows',
      target: 'rows = acked',
      met: stored === acked,
    });
    const closedApi = w1.api.closed.result.throughput;
    const closedRelay = w1.relay.closed.result.throughput;
    add({
      workload: 'W1 direct, closed loop',
      metric: 'max persisted throughput',
      api: closedApi,
      baseline: closedRelay,
      baselineName: 'relay',
      unit: 'msg/s',
      target: '≥ 0.7× relay',
      met: atLeast(closedApi, closedRelay, 0.7),
    });
    add({
      workload: 'W1 direct, closed loop',
      metric: 'vs raw node-pg single-row inserts',
      api: closedApi,
      baseline: w1.pgInsert.result.rate,
      baselineName: 'raw pg',
      unit: 'msg/s',
      target: '–',
      met: null,
    });
    const changes = w1.api.changes?.result;
    if (changes) {
      const failed = changesFailed(changes);
      add({
        workload: `W1 edits and reactions, ${fmt(changes.rate)}/s`,
        metric: 'ack p99, edit (API column) and reaction',
        api: changes.edits.ack.p99,
        baseline: changes.reactions.ack.p99,
        baselineName: 'reaction',
        unit: 'ms',
        // Two kinds side by side, not the API against a baseline.
        ratio: null,
        target: 'errors = 0',
        met: failed === 0,
        apiText: failed ? `${fmt(changes.edits.ack.p99)} (${failed} failed)` : undefined,
      });
    }
  }
  if (r.w2) {
    const w2 = r.w2;
    const best = (side: Target) => {
      const step = w2[side].best;
      return step ? step.result.rate * step.result.members : 0;
    };
    const below = (side: Target) => {
      const first = w2[side].steps[0];
      return w2[side].best || !first
        ? undefined
        : `< ${fmt(first.result.rate * first.result.members)} /s (no rate passed)`;
    };
    add({
      workload: `W2 fan-out in all, ${w2.api.connect.connected} members`,
      metric: 'deliveries/s, p99 < 250 ms, all delivered',
      api: best('api'),
      baseline: best('relay'),
      baselineName: w2.relay.ceilingReached ? 'relay' : 'relay, floor',
      unit: '/s',
      target: '≥ 0.8× relay',
      met: atLeast(best('api'), best('relay'), 0.8),
      apiText: below('api'),
      baselineText: below('relay'),
    });
    const group = w2.api.group;
    if (group) {
      const first = group.steps[0];
      add({
        workload: `W2 fan-out in a group of ${group.members}`,
        metric: 'deliveries/s as above; ratio to `all` in the same run',
        api: group.best ? group.best.result.rate * group.best.result.members : 0,
        baseline: best('api'),
        baselineName: group.ceilingReached ? 'API in all' : 'API in all, floor',
        unit: '/s',
        target: '–',
        met: null,
        apiText:
          group.best || !first
            ? undefined
            : `< ${fmt(first.result.rate * first.result.members)} /s (no rate passed)`,
        baselineText: below('api'),
      });
    }
  }
  if (r.w3) {
    const w3 = r.w3;
    add({
      workload: 'W3 history, first page, c=16',
      metric: 'pages/s',
      api: w3.apiFirst.result.rate,
      baseline: w3.rawFirst.result.rate,
      baselineName: 'raw pg',
      unit: '/s',
      target: '≥ 0.5× raw',
      met: atLeast(w3.apiFirst.result.rate, w3.rawFirst.result.rate, 0.5),
    });
    add({
      workload: 'W3 history, deep page, c=16',
      metric: 'pages/s',
      api: w3.apiDeep.result.rate,
      baseline: w3.rawDeep.result.rate,
      baselineName: 'raw pg',
      unit: '/s',
      target: '≥ 0.5× raw',
      met: atLeast(w3.apiDeep.result.rate, w3.rawDeep.result.rate, 0.5),
    });
    add({
      workload: 'W3 history, deep vs first page',
      metric: 'API p99, deep ÷ first',
      api: w3.apiDeep.result.latency.p99,
      baseline: w3.apiFirst.result.latency.p99,
      baselineName: 'first page',
      unit: 'ms',
      target: '≤ 1.2',
      met: atMost(w3.apiDeep.result.latency.p99, w3.apiFirst.result.latency.p99, 1.2),
    });
  }
  if (r.w4) {
    const w4 = r.w4;
    add({
      workload: `W4 sign-in, c=${w4.concurrency}`,
      metric: 'logins/s',
      api: w4.api.result.rate,
      baseline: w4.bcrypt.result.rate,
      baselineName: 'bcrypt',
      unit: '/s',
      target: '≥ 0.9× bcrypt',
      met: atLeast(w4.api.result.rate, w4.bcrypt.result.rate, 0.9),
    });
    add({
      workload: `W4 sign-in, c=${w4.concurrency}`,
      metric: 'event-loop delay p99 (in-process)',
      api: w4.loopDelay.p99,
      baseline: null,
      baselineName: '–',
      unit: 'ms',
      target: '< 20 ms',
      met: w4.loopDelay.p99 < 20,
    });
    add({
      workload: `W4 sign-in, c=${w4.concurrency}`,
      metric: 'probe round trip p99 (outside)',
      api: w4.api.result.probeLoad.p99,
      baseline: w4.api.result.probeIdle.p99,
      baselineName: 'idle',
      unit: 'ms',
      target: '–',
      met: null,
    });
  }
  if (r.w5) {
    const w5 = r.w5;
    const api = w5.api.storm.result;
    const relay = w5.relay.storm.result;
    const asked = w5.requested;
    const label =
      `W5 reconnect storm, ${api.sockets} sockets` +
      (api.sockets < asked ? ` (of ${asked} asked: the API connected only these)` : '');
    const notBack = (s: typeof api) =>
      s.back < s.sockets
        ? `> ${fmt(s.timeoutMs / 1000)} s (${s.back}/${s.sockets} back by the deadline)`
        : undefined;
    add({
      workload: label,
      metric: 'drop → all back and caught up',
      api: api.allBackMs,
      baseline: relay.allBackMs,
      baselineName: 'relay',
      unit: 'ms',
      target: '≤ 2× relay',
      met: api.back === api.sockets && atMost(api.allBackMs, relay.allBackMs, 2),
      apiText: notBack(api),
      baselineText: notBack(relay),
    });
    add({
      workload: label,
      metric: 'messages lost (socket × message)',
      api: api.lost,
      baseline: relay.lost,
      baselineName: 'relay',
      unit: '',
      target: 'API 0',
      met: api.lost === 0 && api.acked > 0,
      ratio: null,
      apiText: api.back < api.sockets ? `${api.lost} (on the ${api.back} sockets back)` : undefined,
    });
    add({
      workload: `Memory, ${w5.api.memory.sockets} sockets`,
      metric: 'RSS per connected socket',
      api: w5.api.memory.perSocketKiB,
      baseline: w5.relay.memory.perSocketKiB,
      baselineName: 'relay',
      unit: 'KiB',
      target: '≤ 1.5× relay',
      met:
        w5.relay.memory.perSocketKiB > 0 &&
        atMost(w5.api.memory.perSocketKiB, w5.relay.memory.perSocketKiB, 1.5),
    });
  }
  if (r.w6) rows.push(...organizationRows(r.w6));
  if (r.w7) rows.push(...searchRows(r.w7));
  if (r.w8) rows.push(...uploadRows(r.w8));
  return rows;
}

function rowCells(row: Row): string[] {
  return [
    row.workload,
    row.metric,
    row.apiText ?? `${fmt(row.api)} ${row.unit}`.trim(),
    row.baselineText ??
      (row.baseline === null ? '–' : `${fmt(row.baseline)} (${row.baselineName})`),
    row.ratio === null ? '–' : `${fmt(row.ratio, 2)}×`,
    row.target,
  ];
}

const SUMMARY_HEADER = ['Workload', 'Metric', 'API', 'Baseline', 'Ratio', 'Target', 'Met'];

/** One line per target this run judged: met or missed, by the measured figures. */
function targetLines(r: BenchResults): string[] {
  const judged = r.rows.filter((row) => row.met !== null);
  if (judged.length === 0) return [];
  return [
    `**${judged.filter((row) => row.met).length} of ${judged.length} targets met.**`,
    '',
    ...judged.map((row) => {
      const [workload = '', metric = '', api = '', baseline = '–', times = '–', target = ''] =
        rowCells(row);
      const against = baseline === '–' ? '' : ` against ${baseline}`;
      const by = times === '–' ? '' : `, ${times}`;
      return (
        `- ${row.met ? 'met' : '**missed**'}: ${workload}, ${metric}: ` +
        `${api}${against}${by} (target ${target})`
      );
    }),
  ];
}

/**
 * Everything after this line in the report is written by hand and kept when `npm run bench`
 * rewrites the file (see withHandWritten).
 */
export const HAND_WRITTEN_MARKER =
  '<!-- Written by hand below this line: `npm run bench` keeps it when it rewrites the file. -->';

const NO_HAND_WRITTEN_PART =
  '\n\n## Findings\n\nNothing written yet: why a target is missed, and what would close it, ' +
  'goes here.\n';

/** The generated report, then the hand-written part of the file it replaces (or an empty one). */
export function withHandWritten(generated: string, previous: string | null): string {
  const at = previous?.indexOf(HAND_WRITTEN_MARKER) ?? -1;
  const kept =
    previous && at >= 0 ? previous.slice(at + HAND_WRITTEN_MARKER.length) : NO_HAND_WRITTEN_PART;
  return `${generated.trimEnd()}\n\n${HAND_WRITTEN_MARKER}${kept}`;
}

/** The console table. */
export function renderTable(r: BenchResults): string {
  const lines = r.rows.map((row) => [
    ...rowCells(row),
    row.met === null ? '' : row.met ? 'yes' : 'NO',
  ]);
  const widths = SUMMARY_HEADER.map((h, i) =>
    Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)),
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  return [
    line(SUMMARY_HEADER),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...lines.map(line),
  ].join('\n');
}

export const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

const lat = (s: Summary) => `${fmt(s.p50, 2)} / ${fmt(s.p99, 2)}`;
const cores = (cpu: CpuUse, name: string) => fmt(cpu.cores[name] ?? 0, 2);
const CPU_HEADER = ['server cores', 'postgres cores', 'generator cores', 'other cores', 'flags'];
const cpuCells = (m: Measured<unknown>, server: Target | 'bcrypt' | 'none') => [
  server === 'none' ? '–' : cores(m.cpu, server),
  cores(m.cpu, 'postgres'),
  cores(m.cpu, 'generator'),
  fmt(m.cpu.other, 2),
  m.flags.join(', ') || '–',
];

/** CPU microseconds per message of the server process, and of PostgreSQL. */
function costPerMessage(m: Measured<unknown>, server: Target, messages: number): string[] {
  if (!messages) return ['–', '–'];
  const us = (name: string) => fmt(((m.cpu.cores[name] ?? 0) * m.cpu.seconds * 1e6) / messages, 0);
  return [us(server), server === 'api' ? us('postgres') : '–'];
}

/** "index …: N rows removed by filter, M buffers, T ms" from an EXPLAIN ANALYZE. */
/** A query plan folded under its summary line. */
function foldedPlan(summary: string, plan: string): string[] {
  return [`<details><summary>${summary}</summary>`, '', '```', plan, '```', '', '</details>', ''];
}

/** Execution time and the foreign-key triggers' share of it. */
function insertHeadline(plan: string): string {
  const time = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
  const triggers = [
    ...plan.matchAll(/Trigger for constraint \S+ on \S+: time=([\d.]+) calls=(\d+)/g),
  ];
  const triggerMs = triggers.reduce((sum, m) => sum + Number(m[1]), 0);
  return (
    `${time} ms` +
    (triggers.length
      ? `, of which ${triggerMs.toFixed(1)} ms in ${triggers.length} foreign-key triggers`
      : '')
  );
}

function planHeadline(plan: string): string {
  const scan = /(Index Scan Backward using \w+|Index Scan using \w+|Seq Scan)/.exec(plan)?.[1];
  const removed = /Rows Removed by Filter: (\d+)/.exec(plan)?.[1];
  const buffers = /Buffers: shared hit=(\d+)(?: read=(\d+))?/.exec(plan);
  const time = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
  const pages = buffers ? Number(buffers[1]) + Number(buffers[2] ?? 0) : null;
  return [
    scan ? `\`${scan}\`` : null,
    removed ? `${Number(removed).toLocaleString('en-US')} rows removed by filter` : null,
    pages !== null ? `${pages.toLocaleString('en-US')} buffers` : null,
    time ? `${time} ms` : null,
  ]
    .filter(Boolean)
    .join(', ');
}

const pct = (share: number) => `${fmt(share * 100, 1)} %`;

export function profileSection(title: string, p: ProfileSummary | undefined, top = 8): string {
  if (!p) return '';
  return [
    `#### ${title}`,
    '',
    `Main thread busy ${pct(p.busyShare)} of ${fmt(p.wallMs / 1000, 1)} s. Self time by area: ` +
      p.byArea
        .slice(0, 8)
        .map((a) => `${a.name} ${pct(a.share)}`)
        .join(', ') +
      '.',
    '',
    table(
      ['Top self time', 'where', 'share'],
      p.topSelf.slice(0, top).map((e) => [`\`${e.name}\``, e.where, pct(e.share)]),
    ),
    '',
    table(
      ['API code, inclusive', 'where', 'share'],
      p.topApiInclusive.slice(0, top).map((e) => [`\`${e.name}\``, e.where, pct(e.share)]),
    ),
    '',
  ].join('\n');
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.meta;
  const out: string[] = [];
  const minutes = Math.floor(m.durationMs / 60000);
  const seconds = Math.round((m.durationMs % 60000) / 1000);
  out.push(
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (apps/bench) down to the hand-written part at the end: ' +
      'edit the harness, not this part. -->',
    '',
    'What a persisted message costs and where the API falls over, side by side with ceilings ' +
      'measured in the same run: a **bare Socket.IO relay** (same payloads and rooms, no auth, no ' +
      'database), **raw node-pg** on the same database, and **bcrypt** alone. Ratios are ' +
      'API ÷ baseline (for latencies, time and memory, lower is better).',
    '',
    `- Run: ${m.mode}, ${m.workloads.join(', ')}; ${m.date}; took ${minutes} min ${seconds} s; commit ${m.gitCommit}`,
    `- Machine: ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}`,
    `- Node ${m.node}; PostgreSQL ${m.postgres} (${m.postgresSource}; ${m.postgresSettings})`,
    `- API: ${m.apiBuild}`,
    `- Other work on the machine during the measurements: ${fmt(m.otherLoadCores, 2)} cores on ` +
      `average of ${m.cores}` +
      (m.otherLoadCores >= 0.25
        ? ' — **the machine was shared: figures are noisy, ratios more reliable than absolutes**'
        : ''),
    '',
    '## Summary',
    '',
    table(
      SUMMARY_HEADER,
      r.rows.map((row) => [...rowCells(row), row.met === null ? '' : row.met ? 'yes' : '**no**']),
    ),
    '',
    ...targetLines(r),
    '',
  );

  if (r.w1) {
    const w1 = r.w1;
    out.push(
      '## W1 — direct messages, persisted',
      '',
      `${w1.api.connect.connected} sockets, ${w1.api.connect.connected / 2} pairs (a direct chat ` +
        'each). Open loop: sends scheduled by the clock across the pairs, alternating sides; ' +
        'latencies from the *scheduled* time (no coordinated omission). Deliver: the peer receives ' +
        '`message:new`; ack: the sender gets its ack. Latencies p50 / p99 in ms; CPU in µs per ' +
        'message and in cores.',
      '',
      table(
        [
          'target',
          'rate',
          'acked / sent',
          'deliver',
          'ack',
          'send lag p99',
          'rows stored',
          'µs server',
          'µs postgres',
          ...CPU_HEADER,
        ],
        TARGETS.flatMap((side) =>
          w1[side].open.map((o) => [
            side,
            `${o.result.rate}/s`,
            `${o.result.acked} / ${o.result.sent}` +
              (Object.keys(o.result.ackErrors).length
                ? ` ${JSON.stringify(o.result.ackErrors)}`
                : ''),
            lat(o.result.deliver),
            lat(o.result.ack),
            fmt(o.result.sendLag.p99, 2),
            o.rowsStored === undefined ? '–' : String(o.rowsStored),
            ...costPerMessage(o, side, o.result.acked),
            ...cpuCells(o, side),
          ]),
        ),
      ),
      '',
      `Closed loop: every socket keeps one send in flight; the rate is the maximum.`,
      '',
      table(
        ['target', 'msg/s', 'ack', 'µs server', 'µs postgres', ...CPU_HEADER],
        TARGETS.map((side) => {
          const c = w1[side].closed;
          return [
            side,
            fmt(c.result.throughput, 0),
            lat(c.result.ack),
            ...costPerMessage(c, side, c.result.acked),
            ...cpuCells(c, side),
          ];
        }),
      ),
      '',
      ...(w1.api.changes
        ? [
            `Edits and reactions (API only: the relay has none): ${fmt(w1.api.changes.result.rate)} ` +
              `changes/s over the same pairs, open loop, after each member sent one message: an ` +
              `edit of one's own message (new content each time) and a reaction on the peer's, ` +
              `set and cleared in turn, so that every request is a change (a new version, ` +
              '`message:updated` to both members). Ack p50 / p99 in ms from the scheduled time.',
            '',
            table(
              [
                'edits acked / sent',
                'edit ack',
                'reactions acked / sent',
                'reaction ack',
                'failed',
                'message:updated heard',
                'µs server',
                'µs postgres',
                ...CPU_HEADER,
              ],
              [w1.api.changes].map((m) => {
                const c = m.result;
                const acked = c.edits.acked + c.reactions.acked;
                return [
                  `${c.edits.acked} / ${c.edits.sent}`,
                  lat(c.edits.ack),
                  `${c.reactions.acked} / ${c.reactions.sent}`,
                  lat(c.reactions.ack),
                  String(changesFailed(c)) +
                    (Object.keys(c.errors).length ? ` ${JSON.stringify(c.errors)}` : ''),
                  `${c.updatesHeard} (2 × acked: ${2 * acked})`,
                  ...costPerMessage(m, 'api', acked),
                  ...cpuCells(m, 'api'),
                ];
              }),
            ),
            '',
          ]
        : []),
      `Raw node-pg on the same database, API idle: the statement the API used before its group ` +
        `commit (lock the chat row, insert, join the sender), one row per statement over 20 ` +
        `connections (the API's pool size): **${fmt(w1.pgInsert.result.rate, 0)} rows/s** ` +
        `(p50 / p99 ${lat(w1.pgInsert.result.latency)} ms, postgres ${cores(w1.pgInsert.cpu, 'postgres')} cores); ` +
        `${w1.pgBatch.batchSize} rows per INSERT over 4 connections: ` +
        `**${fmt(w1.pgBatch.result.rate, 0)} rows/s** (postgres ${cores(w1.pgBatch.cpu, 'postgres')} cores).`,
      '',
      ...(w1.insertPlan
        ? foldedPlan(
            `The insert statement: the API's batch statement for ${w1.insertPlan.messages} ` +
              'messages over the W1 chats, EXPLAIN ANALYZE, rolled back: ' +
              insertHeadline(w1.insertPlan.plan),
            w1.insertPlan.plan,
          )
        : []),
    );
  }

  if (r.w2) {
    const w2 = r.w2;
    out.push(
      '## W2 — fan-out in `all`',
      '',
      `${w2.api.connect.connected} connected members of \`all\`; 10 of them take turns sending at a ` +
        'fixed rate (open loop) and every message must reach every member. The rate doubles until ' +
        'a step fails (p99 ≥ 250 ms, a message missing for any member, an error, or a backlog ' +
        'older than 1.5 s; a failed step is tried twice), then one step between the last pass ' +
        'and the first failure.',
      '',
      `Connecting the members took ${fmt(w2.api.connect.wallMs, 0)} ms on the API ` +
        `(${w2.api.connect.frames.presence.toLocaleString('en-US')} presence frames reached them ` +
        `meanwhile) and ${fmt(w2.relay.connect.wallMs, 0)} ms on the relay.`,
      '',
      ...(w2.api.group
        ? [
            '',
            `Then, on the API, the same connected members in a group of ${w2.api.group.members} ` +
              `(created through \`POST /api/chats\` in ${fmt(w2.api.group.createMs, 0)} ms, every ` +
              'socket joined to its room by the server), and the same rate search: rows ' +
              '`api, group`.',
          ]
        : []),
      '',
      table(
        ['target', 'msg/s', 'deliveries/s', 'result', 'latency', 'complete / acked', ...CPU_HEADER],
        [
          ...TARGETS.map((side): W2Rows => ({ name: side, side, steps: w2[side].steps })),
          ...(w2.api.group
            ? [{ name: 'api, group', side: 'api', steps: w2.api.group.steps } satisfies W2Rows]
            : []),
        ].flatMap(({ name, side, steps }) =>
          steps.map((s) => [
            name,
            String(s.result.rate),
            fmt(s.result.rate * s.result.members, 0),
            s.pass ? 'pass' : s.result.aborted ? 'fail (backlog)' : 'fail',
            lat(s.result.latency),
            `${s.result.complete} / ${s.result.acked}`,
            ...cpuCells(s, side),
          ]),
        ),
      ),
      '',
    );
  }

  if (r.w3) {
    const w3 = r.w3;
    const rowOf = (
      name: string,
      x: Measured<{ rate: number; latency: Summary; rows?: number }>,
      server: Target | 'none',
    ) => [
      name,
      fmt(x.result.rate, 0),
      lat(x.result.latency),
      String(x.result.rows ?? '–'),
      ...cpuCells(x, server),
    ];
    out.push(
      '## W3 — History',
      '',
      `${r.seed.historyRows.toLocaleString('en-US')} messages in one direct chat, seeded with COPY in ` +
        `${fmt(r.seed.historyMs / 1000, 1)} s` +
        (r.seed.fkChecksSkipped ? ' (foreign-key triggers off for that session)' : '') +
        ', then VACUUM ANALYZE; later workloads add newer messages in other chats. Pages of 50 at ' +
        `concurrency 16: the newest page, and the page before id ${w3.deepCursor} ` +
        `(${w3.deepOffset.toLocaleString('en-US')} messages deep). ` +
        "API: `chat:history` over 16 sockets; raw: the API's SQL over 16 node-pg connections.",
      '',
      table(
        ['', 'pages/s', 'p50 / p99 ms', 'rows', ...CPU_HEADER],
        [
          rowOf('raw pg, first page', w3.rawFirst, 'none'),
          rowOf('raw pg, deep page', w3.rawDeep, 'none'),
          rowOf('raw pg, first page, query as first written', w3.rawFirstPkOrder, 'none'),
          rowOf('API, first page', w3.apiFirst, 'api'),
          rowOf('API, deep page', w3.apiDeep, 'api'),
        ],
      ),
      '',
      "PostgreSQL's plans on this data (EXPLAIN ANALYZE after the runs). The API's query has " +
        '`WHERE m.chat_id >= $1 AND m.chat_id <= $1 … ORDER BY m.chat_id DESC, m.id DESC`, so ' +
        'that only `ix_messages_chat_id_id` can give the order; *as first written* it had ' +
        '`m.chat_id = $1 … ORDER BY m.id DESC`, which PostgreSQL may serve by walking the primary key:',
      '',
      ...w3.plans.flatMap((p) => foldedPlan(`${p.title}: ${planHeadline(p.plan)}`, p.plan)),
    );
  }

  if (r.w4) {
    const w4 = r.w4;
    out.push(
      '## W4 — sign-in',
      '',
      `POST /api/auth/login (users registered through the API) at concurrency ${w4.concurrency}: **${fmt(w4.api.result.rate, 1)} logins/s** ` +
        `(p50 / p99 ${lat(w4.api.result.latency)} ms, errors ${JSON.stringify(w4.api.result.errors)}). ` +
        `bcrypt ceiling, measured just before: \`bcrypt.compare\` (cost 10) at the same concurrency ` +
        `in a process of its own: **${fmt(w4.bcrypt.result.rate, 1)}/s**.`,
      '',
      'Event-loop delay of the API during the logins, two ways. In-process: ' +
        '`monitorEventLoopDelay` (1 ms resolution) installed through the inspector, its 1 ms ' +
        `period subtracted: p50 ${fmt(w4.loopDelay.p50, 2)}, p99 **${fmt(w4.loopDelay.p99, 2)} ms**, ` +
        `max ${fmt(w4.loopDelay.max, 2)} ms; for comparison, p99 ${fmt(w4.loopDelayIdleApi.p99, 2)} ms ` +
        '(max ' +
        `${fmt(w4.loopDelayIdleApi.max, 2)} ms) while the bcrypt ceiling hashed in its own process and ` +
        'the API only idled. From outside: one socket sends `typing` in `all` (reaching no one: ' +
        'no other socket is connected; no database) every 10 ms: round trip p50 / p99 ' +
        `${lat(w4.api.result.probeIdle)} ms idle, ${lat(w4.api.result.probeLoad)} ms during the logins.`,
      '',
      table(
        ['', ...CPU_HEADER],
        [
          ['API logins (server = API, all threads)', ...cpuCells(w4.api, 'api')],
          ['bcrypt ceiling (server = its process)', ...cpuCells(w4.bcrypt, 'bcrypt')],
        ],
      ),
      '',
    );
  }

  if (r.w5) {
    const w5 = r.w5;
    out.push(
      '## W5 — reconnect storm, and memory',
      '',
      `${w5.api.storm.result.sockets} authenticated sockets (one user each, all members of \`all\`) ` +
        'are dropped at once (TCP reset) and reconnect at once, at most 256 handshakes in flight; ' +
        'each then pages `chat:history` forward from the last id it had seen before the drop. A ' +
        `sender outside the storm keeps sending to \`all\` (${w5.api.storm.result.rate} msg/s) from ` +
        '1 s before the drop until 1 s after the last socket is back; every socket must end with ' +
        'every acked message, live or by catch-up. Failed reconnection attempts (retried until ' +
        `the storm's deadline): API ${JSON.stringify(w5.api.storm.result.reconnectErrors)}, relay ` +
        `${JSON.stringify(w5.relay.storm.result.reconnectErrors)}.`,
      '',
      table(
        [
          'target',
          'all back',
          'per socket p50 / p99',
          'sent',
          'lost',
          'caught up',
          'history pages',
          'presence frames',
          ...CPU_HEADER,
        ],
        TARGETS.map((side) => {
          const s = w5[side].storm;
          return [
            side,
            `${fmt(s.result.allBackMs, 0)} ms (${s.result.back}/${s.result.sockets})`,
            lat(s.result.perSocket),
            String(s.result.acked),
            `${s.result.lost}${s.result.lost ? ` ${JSON.stringify(s.result.lostWhere)}` : ''}`,
            String(s.result.caughtUp),
            String(s.result.historyPages),
            s.result.frames.presence.toLocaleString('en-US'),
            ...cpuCells(s, side),
          ];
        }),
      ),
      '',
      (w5.api.connect.failed
        ? `The API connected ${w5.api.connect.connected} of the ${w5.requested} sockets asked for ` +
          `within ${fmt(w5.api.connect.wallMs / 1000, 1)} s (${JSON.stringify(w5.api.connect.errors)}); ` +
          'the relay was given the same sockets. '
        : '') +
        'Memory: RSS (/proc/<pid>/status) after a full GC, before and after connecting the ' +
        'sockets (1 s settle), measured first thing on both processes.',
      '',
      table(
        ['target', 'sockets', 'RSS before', 'RSS after', 'per socket', 'connecting took'],
        TARGETS.map((side) => {
          const w = w5[side];
          return [
            side,
            String(w.memory.sockets),
            `${fmt(w.memory.beforeKiB / 1024, 1)} MiB`,
            `${fmt(w.memory.afterKiB / 1024, 1)} MiB`,
            `${fmt(w.memory.perSocketKiB, 1)} KiB`,
            `${fmt(w.connect.wallMs, 0)} ms (${w.connect.frames.presence.toLocaleString('en-US')} presence frames)`,
          ];
        }),
      ),
      '',
    );
  }

  if (r.w6) out.push(...organizationSection(r.w6));
  if (r.w7) out.push(...searchSection(r.w7));
  if (r.w8) out.push(...uploadSection(r.w8));

  out.push(
    '## API CPU profiles',
    '',
    `Sampled every ${PROFILE_INTERVAL_US / 1000} ms through the inspector while each workload ran (\`BENCH_NO_PROFILE=1\` runs without). The full profiles are ` +
      'written to `dist/bench/profiles/*.cpuprofile` (Chrome DevTools → Performance → Load ' +
      'profile); `apps/bench/profile.sh <file>` prints this summary for any of them. "Inclusive" ' +
      'counts a sample once for every API function on its stack.',
    '',
  );
  if (r.w1) {
    out.push(
      profileSection('W1 closed loop (maximum throughput)', r.w1.api.closed.profile),
      profileSection(
        'W1 open loop, 1,000 msg/s',
        r.w1.api.open.find((o) => o.result.rate === 1000)?.profile,
      ),
    );
  }
  if (r.w2) {
    const fail = [...r.w2.api.steps].reverse().find((s) => !s.pass);
    out.push(
      profileSection(
        `W2 fan-out, ${fail?.result.rate ?? '?'} msg/s (the last step that failed)`,
        fail?.profile,
      ),
    );
  }
  if (r.w3) out.push(profileSection('W3 deep page', r.w3.apiDeep.profile));
  if (r.w4) out.push(profileSection('W4 sign-in', r.w4.api.profile));
  if (r.w5) out.push(profileSection('W5 reconnect storm', r.w5.api.storm.profile));

  out.push(
    '## Method',
    '',
    '- `npm run bench` = `nx run bench:run` (after `api:build`) = `apps/bench/bench.sh`: ' +
      'TypeScript through ts-node, no build of its own. `-- --smoke` runs every workload for a ' +
      'second or two at small sizes and writes `dist/bench/benchmarks-smoke.md`; ' +
      '`-- --only=w1,w3` runs some workloads (written to `dist/bench/benchmarks-partial.md`).',
    '- The API is the production build started by `@chat/test-harness` on a fresh database ' +
      '(local PostgreSQL when it answers, else its embedded one), NODE_ENV=production, with ' +
      'MESSAGE_RATE / MESSAGE_BURST / RATE_LIMIT_LOGIN raised out of the way and `--inspect` on a ' +
      'loopback port (profiles, GC before memory readings, the event-loop histogram).',
    '- Before each workload both servers run a full GC (the API through the inspector, the relay ' +
      'with --expose-gc), so that the garbage one workload leaves is not collected during the ' +
      "next one's measurements.",
    `- Seeding writes straight to the fresh database: ${r.seed.users} users with one precomputed ` +
      'bcrypt hash (cost 10), each a member of `all` as registration makes them, one session each ' +
      "with an HS256 token signed with the run's JWT_SECRET and shaped like one the API issued in " +
      'the same run, direct chats, and the W3 table with COPY (registering them all through the ' +
      "API would take minutes of bcrypt). W4's users register through the API, so their " +
      'password hashes are exactly what the API makes.',
    '- Load comes from one separate process (`src/load/generator.ts`) with a lean Socket.IO v4 ' +
      'client (Engine.IO over WebSocket via `ws`; frames are Buffers, broadcasts are recognised by ' +
      'prefix and their bookkeeping read from the content without JSON parsing) so receiving ' +
      'costs little. Raw node-pg loops run in the same process.',
    '- CPU: user + system time from /proc/<pid>/stat of the API, the relay, the generator, the ' +
      "PostgreSQL backends of the run's database plus the WAL writer, checkpointer and background " +
      'writer, over each measurement; "other" is the rest of the machine (/proc/stat). Flags: ' +
      '*generator-bound* when the generator used ≥ 0.9 core (its single thread was the limit, so ' +
      'the figure is a floor for the server), *machine-bound* when all cores were ≥ 95 % busy, ' +
      '*noisy* when other work took ≥ 0.25 core.',
    "- The relay (`src/relay/relay.ts`, run as plain JavaScript) is Socket.IO with the API's " +
      'server options: the handshake says who you are and which rooms to join; `message:send` ' +
      'gets an in-memory id, is broadcast to the room and acked with the same Message shape; ' +
      '`chat:history` answers from an in-memory log. No presence frames.',
    '',
  );
  return out.join('\n');
}
