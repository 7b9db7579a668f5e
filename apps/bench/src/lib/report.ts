import type { ProfileSummary } from './profile';
import type { CpuUse } from './proc';
import type { Summary } from './stats';
import type { BenchResults, Measured, Row } from './results';
import { findings } from './findings';

const fmt = (value: number | null | undefined, digits = 1): string => {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return '∞';
  const abs = Math.abs(value);
  const d = abs >= 1000 ? 0 : abs >= 100 ? Math.min(digits, 0) : digits;
  return value.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
};

const ratio = (api: number | null, baseline: number | null) =>
  api === null || baseline === null || baseline === 0 ? null : api / baseline;

export function summaryRows(r: BenchResults): Row[] {
  const rows: Row[] = [];
  const add = (row: Omit<Row, 'ratio'> & { ratio?: number | null }) =>
    rows.push({ ratio: ratio(row.api, row.baseline), ...row });

  const at1000 = (side: 'api' | 'relay') =>
    r.w1[side].open.find((o) => o.result.rate === 1000) ?? r.w1[side].open[0];
  const api1000 = at1000('api');
  const relay1000 = at1000('relay');
  add({
    workload: 'W1 direct, 1,000 msg/s',
    metric: 'send→deliver p99',
    api: api1000?.result.deliver.p99 ?? null,
    baseline: relay1000?.result.deliver.p99 ?? null,
    baselineName: 'relay',
    unit: 'ms',
    target: 'API ≤ 15 ms',
    met: api1000 ? api1000.result.deliver.p99 <= 15 && api1000.result.deliver.count > 0 : null,
  });
  add({
    workload: 'W1 direct, 1,000 msg/s',
    metric: 'ack p99',
    api: api1000?.result.ack.p99 ?? null,
    baseline: relay1000?.result.ack.p99 ?? null,
    baselineName: 'relay',
    unit: 'ms',
    target: '–',
    met: null,
  });
  const apiOpen = r.w1.api.open;
  const acked = apiOpen.reduce((s, o) => s + o.result.acked, 0);
  const stored = apiOpen.reduce((s, o) => s + (o.rowsStored ?? 0), 0);
  add({
    workload: 'W1 direct, all rates',
    metric: 'rows stored vs messages acked',
    api: stored,
    baseline: acked,
    baselineName: 'acked',
    unit: 'rows',
    target: 'rows = acked',
    met: stored === acked,
  });
  add({
    workload: 'W1 direct, closed loop',
    metric: 'max persisted throughput',
    api: r.w1.api.closed.result.throughput,
    baseline: r.w1.relay.closed.result.throughput,
    baselineName: 'relay',
    unit: 'msg/s',
    target: '≥ 0.7× relay',
    met:
      (ratio(r.w1.api.closed.result.throughput, r.w1.relay.closed.result.throughput) ?? 0) >= 0.7,
  });
  add({
    workload: 'W1 direct, closed loop',
    metric: 'vs raw node-pg single-row insert',
    api: r.w1.api.closed.result.throughput,
    baseline: r.ceilings.pgInsert.result.rate,
    baselineName: 'raw pg',
    unit: 'msg/s',
    target: '–',
    met: null,
  });
  const w2Best = (side: 'api' | 'relay') => {
    const best = r.w2[side].best;
    return best ? best.result.rate * best.result.members : 0;
  };
  add({
    workload: `W2 fan-out in all (${r.w2.api.steps[0]?.result.members ?? '?'} members)`,
    metric: 'deliveries/s with p99 < 250 ms, all delivered',
    api: w2Best('api'),
    baseline: w2Best('relay'),
    baselineName: 'relay',
    unit: 'deliveries/s',
    target: '≥ 0.8× relay',
    met: (ratio(w2Best('api'), w2Best('relay')) ?? 0) >= 0.8,
  });
  add({
    workload: 'W3 history, first page, c=16',
    metric: 'pages/s',
    api: r.w3.apiFirst.result.rate,
    baseline: r.w3.rawFirst.result.rate,
    baselineName: 'raw pg',
    unit: 'pages/s',
    target: '≥ 0.5× raw',
    met: (ratio(r.w3.apiFirst.result.rate, r.w3.rawFirst.result.rate) ?? 0) >= 0.5,
  });
  add({
    workload: 'W3 history, deep page, c=16',
    metric: 'pages/s',
    api: r.w3.apiDeep.result.rate,
    baseline: r.w3.rawDeep.result.rate,
    baselineName: 'raw pg',
    unit: 'pages/s',
    target: '≥ 0.5× raw',
    met: (ratio(r.w3.apiDeep.result.rate, r.w3.rawDeep.result.rate) ?? 0) >= 0.5,
  });
  add({
    workload: 'W3 history, deep vs first page',
    metric: 'API p99: deep ÷ first',
    api: r.w3.apiDeep.result.latency.p99,
    baseline: r.w3.apiFirst.result.latency.p99,
    baselineName: 'API first page',
    unit: 'ms',
    target: 'ratio ≤ 1.2',
    met: (ratio(r.w3.apiDeep.result.latency.p99, r.w3.apiFirst.result.latency.p99) ?? 9) <= 1.2,
  });
  add({
    workload: 'W4 sign-in, c=8',
    metric: 'logins/s',
    api: r.w4.api.result.rate,
    baseline: r.ceilings.bcrypt.result.rate,
    baselineName: 'bcrypt ceiling',
    unit: 'logins/s',
    target: '≥ 0.9× bcrypt',
    met: (ratio(r.w4.api.result.rate, r.ceilings.bcrypt.result.rate) ?? 0) >= 0.9,
  });
  add({
    workload: 'W4 sign-in, c=8',
    metric: 'event-loop delay p99 (inside)',
    api: r.w4.loopDelay.p99,
    baseline: null,
    baselineName: '–',
    unit: 'ms',
    target: '< 20 ms',
    met: r.w4.loopDelay.p99 < 20,
  });
  add({
    workload: 'W4 sign-in, c=8',
    metric: 'probe round trip p99 (outside)',
    api: r.w4.api.result.probeLoad.p99,
    baseline: r.w4.api.result.probeIdle.p99,
    baselineName: 'idle API',
    unit: 'ms',
    target: '–',
    met: null,
  });
  const storm = (side: 'api' | 'relay') => r.w5[side].storm.result;
  add({
    workload: `W5 reconnect storm (${storm('api').sockets} sockets)`,
    metric: 'drop → all back and caught up',
    api: storm('api').allBackMs,
    baseline: storm('relay').allBackMs,
    baselineName: 'relay',
    unit: 'ms',
    target: '≤ 2× relay',
    met: (ratio(storm('api').allBackMs, storm('relay').allBackMs) ?? 9) <= 2,
  });
  add({
    workload: `W5 reconnect storm (${storm('api').sockets} sockets)`,
    metric: 'messages lost (socket × message)',
    api: storm('api').lost,
    baseline: storm('relay').lost,
    baselineName: 'relay',
    unit: 'messages',
    target: 'API 0',
    met: storm('api').lost === 0 && storm('api').back === storm('api').sockets,
    ratio: null,
  });
  add({
    workload: `Memory (${r.w5.api.memory.sockets} sockets)`,
    metric: 'RSS per connected socket',
    api: r.w5.api.memory.perSocketKiB,
    baseline: r.w5.relay.memory.perSocketKiB,
    baselineName: 'relay',
    unit: 'KiB',
    target: '≤ 1.5× relay',
    met: (ratio(r.w5.api.memory.perSocketKiB, r.w5.relay.memory.perSocketKiB) ?? 9) <= 1.5,
  });
  return rows;
}

const mark = (met: boolean | null) => (met === null ? '' : met ? 'yes' : '**NO**');

export function renderTable(r: BenchResults): string {
  const header = ['Workload', 'Metric', 'API', 'Baseline', 'Ratio', 'Target', 'Met'];
  const lines = r.rows.map((row) => [
    row.workload,
    row.metric,
    `${fmt(row.api)} ${row.unit}`,
    row.baseline === null ? '–' : `${fmt(row.baseline)} (${row.baselineName})`,
    row.ratio === null ? '–' : `${fmt(row.ratio, 2)}×`,
    row.target,
    row.met === null ? '' : row.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(line)].join(
    '\n',
  );
}

const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

const lat = (s: Summary) => `${fmt(s.p50, 2)} / ${fmt(s.p99, 2)}`;

const cores = (cpu: CpuUse, name: string) => fmt(cpu.cores[name] ?? 0, 2);

const cpuCells = (m: Measured<unknown>, server: 'api' | 'relay' | 'none') => [
  server === 'none' ? '–' : cores(m.cpu, server),
  cores(m.cpu, 'postgres'),
  cores(m.cpu, 'generator'),
  fmt(m.cpu.other, 2),
  m.flags.join(', ') || '–',
];

const CPU_HEADER = ['server cores', 'postgres cores', 'generator cores', 'other cores', 'flags'];

function costPerMessage(m: Measured<unknown>, server: 'api' | 'relay', messages: number) {
  if (!messages) return ['–', '–'];
  const us = (name: string) => fmt(((m.cpu.cores[name] ?? 0) * m.cpu.seconds * 1e6) / messages, 0);
  return [us(server), server === 'api' ? us('postgres') : '–'];
}

function profileSection(title: string, p: ProfileSummary | undefined, top = 8): string {
  if (!p) return '';
  const pct = (share: number) => `${fmt(share * 100, 1)} %`;
  return [
    `#### ${title}`,
    '',
    `Main thread busy ${fmt(p.busyShare * 100, 0)} % of ${fmt(p.wallMs / 1000, 1)} s. ` +
      `Self time by area: ${p.byArea
        .slice(0, 8)
        .map((a) => `${a.name} ${pct(a.share)}`)
        .join(', ')}.`,
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
    '<!-- Generated by `npm run bench` (apps/bench); do not edit by hand. -->',
    '',
    `How much does a persisted message cost, and where does the API fall over — side by side ` +
      `with ceilings measured in the same run: a bare Socket.IO relay (same payloads and rooms, no ` +
      `auth, no database), raw node-pg on the same database, and bcrypt alone. Ratios are API ÷ baseline.`,
    '',
    `- Run: ${m.mode} mode, ${m.date}, ${minutes} min ${seconds} s, commit ${m.gitCommit}`,
    `- Machine: ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}`,
    `- Node ${m.node}; PostgreSQL ${m.postgres} (${m.postgresSource})`,
    `- API: ${m.apiBuild}; one process, CPU-profiled through the inspector while measured`,
    `- Other work on the machine during the measurements: ${fmt(m.otherLoadCores, 2)} cores on average` +
      (m.otherLoadCores >= 0.25 ? ' — **figures are noisy**' : ''),
    ...m.notes.map((n) => `- ${n}`),
    '',
    '## Summary',
    '',
    table(
      ['Workload', 'Metric', 'API', 'Baseline', 'Ratio', 'Target', 'Met'],
      r.rows.map((row) => [
        row.workload,
        row.metric,
        `${fmt(row.api)} ${row.unit}`,
        row.baseline === null ? '–' : `${fmt(row.baseline)} (${row.baselineName})`,
        row.ratio === null ? '–' : `${fmt(row.ratio, 2)}×`,
        row.target,
        mark(row.met),
      ]),
    ),
    '',
  );

  out.push(...findings(r), '');

  // W1
  out.push(
    '## W1 — direct messages, persisted',
    '',
    `${r.w1.api.open[0]?.result ? r.w1.api.connect.connected : 0} sockets (${r.w1.api.connect.connected / 2} pairs, each pair a direct chat); ` +
      'open loop: sends scheduled by the clock, alternating sides, latencies from the *scheduled* ' +
      'time (no coordinated omission). Deliver = the peer receives `message:new`; ack = the sender ' +
      'receives its ack. Latencies p50 / p99 in ms.',
    '',
    table(
      [
        'target',
        'rate',
        'acked / sent',
        'deliver p50 / p99',
        'ack p50 / p99',
        'send lag p99',
        'rows stored',
        'µs CPU/msg server',
        'µs CPU/msg postgres',
        ...CPU_HEADER,
      ],
      (['api', 'relay'] as const).flatMap((side) =>
        r.w1[side].open.map((o) => [
          side,
          `${o.result.rate}/s`,
          `${o.result.acked} / ${o.result.sent}${Object.keys(o.result.ackErrors).length ? ` (${JSON.stringify(o.result.ackErrors)})` : ''}`,
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
    `Closed loop (${r.w1.api.connect.connected} sockets, one send in flight each): the maximum rate.`,
    '',
    table(
      [
        'target',
        'msg/s',
        'ack p50 / p99',
        'µs CPU/msg server',
        'µs CPU/msg postgres',
        ...CPU_HEADER,
      ],
      (['api', 'relay'] as const).map((side) => {
        const c = r.w1[side].closed;
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
    `Raw node-pg on the same database: the API's own insert statement (lock chat row, insert, ` +
      `join sender) at 20 connections (the API's pool size): **${fmt(r.ceilings.pgInsert.result.rate, 0)} rows/s** ` +
      `(p50 / p99 ${lat(r.ceilings.pgInsert.result.latency)} ms, postgres ${cores(r.ceilings.pgInsert.cpu, 'postgres')} cores); ` +
      `batched, ${r.ceilings.pgBatch.batchSize} rows per INSERT at 4 connections: **${fmt(r.ceilings.pgBatch.result.rate, 0)} rows/s** ` +
      `(postgres ${cores(r.ceilings.pgBatch.cpu, 'postgres')} cores).`,
    '',
  );

  // W2
  out.push(
    '## W2 — fan-out in `all`',
    '',
    `${r.w2.api.connect.connected} connected members of \`all\`; ${'senders'} take turns sending at a fixed rate ` +
      '(open loop), each message must reach every member. Rates double until a step fails ' +
      '(p99 ≥ 250 ms, a message missing for any member, or a backlog older than 1.5 s), then one ' +
      'step between the last pass and the first failure.',
    '',
    `Connecting the members took ${fmt(r.w2.api.connect.wallMs, 0)} ms on the API ` +
      `(${r.w2.api.connect.frames.presence.toLocaleString('en-US')} presence events received by them) ` +
      `and ${fmt(r.w2.relay.connect.wallMs, 0)} ms on the relay.`,
    '',
    table(
      [
        'target',
        'msg/s',
        'deliveries/s',
        'result',
        'latency p50 / p99',
        'complete / acked',
        ...CPU_HEADER,
      ],
      (['api', 'relay'] as const).flatMap((side) =>
        r.w2[side].steps.map((s) => [
          side,
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

  // W3
  out.push(
    '## W3 — history',
    '',
    `${r.seed.historyRows.toLocaleString('en-US')} messages in one direct chat (seeded with COPY in ` +
      `${fmt(r.seed.historyMs / 1000, 1)} s${r.seed.fkChecksSkipped ? ', foreign-key triggers off for that session' : ''}, ` +
      `then VACUUM ANALYZE); pages of 50 at concurrency 16: the newest page, and the page before id ` +
      `${r.w3.deepCursor} (that many messages deep). API: \`chat:history\` over 16 sockets; raw: the ` +
      `API's SQL over 16 node-pg connections.`,
    '',
    table(
      ['', 'pages/s', 'p50 / p99 ms', 'rows', ...CPU_HEADER],
      [
        ['raw pg, first page', r.w3.rawFirst, 'none'],
        ['raw pg, deep page', r.w3.rawDeep, 'none'],
        ['API, first page', r.w3.apiFirst, 'api'],
        ['API, deep page', r.w3.apiDeep, 'api'],
      ].map(([name, mm, server]) => {
        const x = mm as Measured<{ rate: number; latency: Summary; rows?: number }>;
        return [
          name as string,
          fmt(x.result.rate, 0),
          lat(x.result.latency),
          String(x.result.rows ?? '–'),
          ...cpuCells(x, server as 'api' | 'none'),
        ];
      }),
    ),
    '',
  );

  // W4
  const w4 = r.w4.api;
  out.push(
    '## W4 — sign-in',
    '',
    `POST /api/auth/login at concurrency ${8} for ${fmt(w4.cpu.seconds, 1)} s: **${fmt(w4.result.rate, 1)} logins/s** ` +
      `(p50 / p99 ${lat(w4.result.latency)} ms; errors ${JSON.stringify(w4.result.errors)}). bcrypt ceiling: ` +
      `\`bcrypt.compare\` (cost 10) at the same concurrency in a process of its own: ` +
      `**${fmt(r.ceilings.bcrypt.result.rate, 1)}/s**.`,
    '',
    `Event-loop delay of the API while the logins ran, two ways: inside, \`monitorEventLoopDelay\` ` +
      `(1 ms resolution, installed through the inspector, 1 ms timer period subtracted): p50 ${fmt(r.w4.loopDelay.p50, 2)}, ` +
      `p99 **${fmt(r.w4.loopDelay.p99, 2)} ms**, max ${fmt(r.w4.loopDelay.max, 2)} ms. Outside: a socket sends an ` +
      `invalid \`typing\` event every 10 ms (answered by the validation pipe, no database): round trip ` +
      `p50 / p99 ${lat(w4.result.probeIdle)} ms idle, ${lat(w4.result.probeLoad)} ms during the logins.`,
    '',
    table(
      ['', ...CPU_HEADER],
      [
        ['API logins', ...cpuCells(w4, 'api')],
        ['bcrypt ceiling', ...cpuCells(r.ceilings.bcrypt, 'none')],
      ],
    ),
    '',
  );

  // W5
  out.push(
    '## W5 — reconnect storm, and memory',
    '',
    `${r.w5.api.storm.result.sockets} authenticated sockets (one user each, all members of \`all\`) are ` +
      `dropped at once (TCP reset) and reconnect immediately, at most 256 handshakes in flight; each ` +
      `then catches up with \`chat:history\` after the last id it saw. A separate sender keeps ` +
      `sending to \`all\` at ${20} msg/s from 1 s before the drop to 1 s after the last socket is back; ` +
      `every socket must end up with every acked message, live or by catch-up.`,
    '',
    table(
      [
        'target',
        'all back',
        'per socket p50 / p99',
        'lost',
        'caught up',
        'history pages',
        'presence events',
        ...CPU_HEADER,
      ],
      (['api', 'relay'] as const).map((side) => {
        const s = r.w5[side].storm;
        return [
          side,
          `${fmt(s.result.allBackMs, 0)} ms (${s.result.back}/${s.result.sockets})`,
          lat(s.result.perSocket),
          String(s.result.lost),
          String(s.result.caughtUp),
          String(s.result.historyPages),
          s.result.frames.presence.toLocaleString('en-US'),
          ...cpuCells(s, side),
        ];
      }),
    ),
    '',
    'Memory: RSS (/proc/<pid>/status) after a full GC, before and after connecting the sockets ' +
      '(and settling 1 s).',
    '',
    table(
      ['target', 'sockets', 'RSS before', 'RSS after', 'per socket', 'connect time'],
      (['api', 'relay'] as const).map((side) => {
        const w = r.w5[side];
        return [
          side,
          String(w.memory.sockets),
          `${fmt(w.memory.beforeKiB / 1024, 1)} MiB`,
          `${fmt(w.memory.afterKiB / 1024, 1)} MiB`,
          `${fmt(w.memory.perSocketKiB, 1)} KiB`,
          `${fmt(w.connect.wallMs, 0)} ms (${w.connect.frames.presence.toLocaleString('en-US')} presence events)`,
        ];
      }),
    ),
    '',
  );

  // Profiles
  out.push(
    '## API CPU profiles',
    '',
    'Sampled (1 ms) through the inspector while each workload ran; full profiles in ' +
      '`dist/bench/profiles/*.cpuprofile` (open in Chrome DevTools → Performance). "Inclusive" ' +
      'counts a sample for every API function on its stack.',
    '',
  );
  const at1000 = r.w1.api.open.find((o) => o.result.rate === 1000);
  out.push(
    profileSection('W1 closed loop (max throughput)', r.w1.api.closed.profile),
    profileSection('W1 open loop, 1,000 msg/s', at1000?.profile),
    profileSection(
      `W2 fan-out, ${r.w2.api.best?.result.rate ?? '?'} msg/s (best passing step)`,
      r.w2.api.best?.profile,
    ),
    profileSection('W3 deep page', r.w3.apiDeep.profile),
    profileSection('W4 sign-in', r.w4.api.profile),
    profileSection('W5 reconnect storm', r.w5.api.storm.profile),
  );

  out.push(
    '## Method',
    '',
    '- `npm run bench` (`nx run bench:run`, after `api:build`) runs `apps/bench/bench.sh`: the harness is ' +
      'TypeScript run by ts-node; `-- --smoke` runs every workload for a second or two at smaller ' +
      'sizes and writes `dist/bench/benchmarks-smoke.md` instead of this file.',
    '- The API is the production build (`dist/apps/api/main.js`) started by `@chat/test-harness` on a ' +
      'fresh database, with MESSAGE_RATE / MESSAGE_BURST / RATE_LIMIT_LOGIN raised out of the way and ' +
      '`--inspect` on a loopback port (CPU profiles, GC before memory readings, the event-loop histogram).',
    `- Seeding goes straight to the database: ${r.seed.users} users with one precomputed bcrypt hash ` +
      '(cost 10), each in `all` as registration does, one session each with an HS256 token signed ' +
      "with the run's JWT_SECRET the way the API signs them, and direct chats. The W3 table is " +
      'filled with COPY.',
    '- Load comes from one separate process (the generator) with a lean Socket.IO v4 client ' +
      '(Engine.IO over WebSocket via `ws`, frames handled as Buffers, no JSON parsing of broadcasts) ' +
      'so that receiving costs as little as possible; raw node-pg loops run in the same process.',
    '- CPU: user+system time from /proc/<pid>/stat of the API, the relay, the generator, the ' +
      "PostgreSQL backends of the run's database plus its WAL writer, checkpointer and background " +
      'writer, over each measurement; "other" is the rest of the machine (/proc/stat). Flags: ' +
      '*generator-bound* when the generator used ≥ 0.9 core (its single thread was the limit, so the ' +
      'figure is a floor for the server), *machine-bound* when the machine was ≥ 95 % busy, ' +
      '*noisy* when other work used ≥ 0.25 core.',
    "- The relay (`apps/bench/src/relay/relay.ts`) is Socket.IO with the API's server options: " +
      'handshake says who you are and which rooms to join, `message:send` gets an in-memory id, is ' +
      'broadcast to the room and acked with the same Message shape, `chat:history` answers from an ' +
      'in-memory log. It sends no presence events.',
    '',
  );
  return out.join('\n');
}
