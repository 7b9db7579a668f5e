import type { ProfileEntry, ProfileSummary } from './profile';
import type { BenchResults, Row } from './results';

/**
 * For each target not met: the figure, the profile that explains it (from this run), and
 * what would close it. The suggestions were written from the profiles and plans of these
 * runs; the figures in them are this run's.
 */

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Share of busy time spent in these areas (packages). */
function areaShare(p: ProfileSummary | undefined, names: string[]): number {
  return (p?.byArea ?? []).filter((a) => names.includes(a.name)).reduce((s, a) => s + a.share, 0);
}

function inclusive(p: ProfileSummary | undefined, name: string): ProfileEntry | undefined {
  return p?.topApiInclusive.find((e) => e.name === name);
}

const VALIDATION = [
  'class-validator',
  'class-transformer',
  'validator',
  '@nestjs/common',
  '@nestjs/websockets',
  '@nestjs/core',
  'rxjs',
  '@nestjs/platform-socket.io',
  'reflect-metadata',
];

/** CPU per message of one process group during a measurement, in µs. */
function usPer(cpu: { cores: Record<string, number> }, who: string, perSecond: number): number {
  return perSecond > 0 ? ((cpu.cores[who] ?? 0) * 1e6) / perSecond : 0;
}

/** From the EXPLAIN ANALYZE of one writer batch: where PostgreSQL's time went. */
function insertAdvice(insert: { messages: number; plan: string } | undefined): string[] {
  if (!insert) return [];
  const time = Number(/Execution Time: ([\d.]+) ms/.exec(insert.plan)?.[1] ?? NaN);
  const triggers = [...insert.plan.matchAll(/Trigger for constraint (\S+) on \S+: time=([\d.]+)/g)];
  const triggerMs = triggers.reduce((sum, m) => sum + Number(m[2]), 0);
  return [
    `- Less PostgreSQL work per row: one batch of ${insert.messages} messages took ${n(time, 1)} ms ` +
      `to execute (W1, "The insert statement")` +
      (triggers.length
        ? `, ${n(triggerMs, 1)} ms of it in the foreign-key triggers of the inserted rows ` +
          `(${triggers.map((m) => m[1]).join(', ')}), which check again what the membership ` +
          'join has just proven; the rest is the index inserts and locking and updating the ' +
          "chats' rows."
        : '.'),
  ];
}

function writerAdvice(r: BenchResults): string[] {
  const w1 = r.w1;
  if (!w1) return [];
  const closed = w1.api.closed;
  const relay = w1.relay.closed;
  const rate = closed.result.throughput;
  const writev = closed.profile?.byArea.find((a) => a.name === 'native writev');
  return [
    `Where a persisted message goes, closed loop: the API process used ${n(usPer(closed.cpu, 'api', rate))} µs ` +
      `of CPU per message and PostgreSQL ${n(usPer(closed.cpu, 'postgres', rate))} µs, against ` +
      `${n(usPer(relay.cpu, 'relay', relay.result.throughput))} µs for the relay, which stores nothing; ` +
      `the load generator took another ${n(closed.cpu.cores['generator'] ?? 0, 2)} cores of the ` +
      `machine's ${r.meta.cores}. Every socket keeps one send in flight, so the rate is sockets ÷ round ` +
      `trip, and a send waits for the batch in flight to commit, then for its own (ack p50 ` +
      `${closed.result.ack.p50} ms). \`writev\` (one write syscall per frame and per query) was ` +
      `${writev ? pct(writev.share) : '?'} of the API's busy time.`,
    '- Done, in this order of effect: group commit, one statement per batch sent as a named ' +
      '(prepared) statement, one batch in flight (`MESSAGE_WRITE_LANES=1`: each commit costs ' +
      'PostgreSQL about the same CPU however few rows it carries, and on two shared cores four ' +
      'lanes cost more than they overlapped), `message:send` answered in socket middleware with a hand-written payload check (no Nest pipes, rxjs ' +
      "or class-validator), the sender's name taken from the socket instead of a join, " +
      '`created_at` formatted by PostgreSQL instead of parsed into a Date and back.',
    '- Done for syscalls: the frames Engine.IO flushes to a socket at once go out in one ' +
      '`writev` (ChatIoAdapter corks the TCP socket for the flush). Engine.IO still writes the ' +
      "first frame of a burst on its own and holds the rest until that write's callback, so a " +
      'socket that gets an ack and its own copy of the message still costs two writes.',
    `- The loop is bound by its cycle, not by one core: the API's main thread was busy ` +
      `${closed.profile ? pct(closed.profile.busyShare) : '?'} of the time. A batch commits, then ` +
      'its messages are broadcast and acked (the next batch, already sent, holds only what ' +
      'arrived meanwhile), then the clients answer with their next sends. More lanes overlap ' +
      'commits but cost PostgreSQL more CPU per message on two shared cores ' +
      '(`MESSAGE_WRITE_LANES=2` was no faster here); what would help is less main-thread work per ' +
      'message (the fan-out is most of it), so that the cycle shortens.',
    ...insertAdvice(w1.insertPlan),
  ];
}

/** When the relay's W2 limit was the generator's too, its figure is a floor. */
function relayFloorNote(r: BenchResults): string[] {
  const fail = r.w2?.relay.steps.find((s) => !s.pass);
  if (!fail || !fail.flags.some((f) => f.startsWith('generator'))) return [];
  return [
    `- Read the ratio with care: where the relay failed (${fail.result.rate} msg/s) the load ` +
      `generator was at its own limit too (${n(fail.cpu.cores['generator'] ?? 0, 2)} cores; ` +
      `${fail.flags.join(', ')}), on a machine of ${r.meta.cores} cores shared by server and ` +
      "load. The relay's figure is a floor, so the true ratio is at most this one.",
  ];
}

type Advice = (r: BenchResults) => string[];

const ADVICE: Partial<Record<string, Advice>> = {
  'send→deliver p99': (r) => {
    const o = r.w1?.api.open.find((x) => x.result.rate === 1000);
    const relay = r.w1?.relay.open.find((x) => x.result.rate === 1000);
    return [
      `At 1,000 msg/s the API acked at p50 ${o?.result.ack.p50} ms (relay ${relay?.result.ack.p50} ms): ` +
        'a send waits for the batch in flight to commit, then for its own. The tail is made of ' +
        "the main thread's longest stretches without a break: a mark-compact GC of the previous " +
        "workload's garbage was one (the harness now runs a full GC before each workload), and " +
        'on two cores shared by the API, PostgreSQL and the load generator the main thread also ' +
        'waits for a core.',
      '',
      ...writerAdvice(r),
    ];
  },
  'max persisted throughput': writerAdvice,
  'deliveries/s, p99 < 250 ms, all delivered': (r) => {
    const fail = [...(r.w2?.api.steps ?? [])].reverse().find((s) => !s.pass);
    const writev = fail?.profile?.byArea.find((a) => a.name === 'native writev');
    return [
      `In the last step that failed the API spent ${writev ? pct(writev.share) : '?'} of its busy ` +
        'time in `writev`: one write syscall per member per message, as in the relay. What the ' +
        'API adds per message (the payload check, the insert, the ack) is constant, not per member.',
      '- The fan-out itself can only get cheaper by sending fewer frames: coalesce what goes to ' +
        'the same socket in the same tick (corking, see W1).',
      ...relayFloorNote(r),
    ];
  },
  'pages/s': (r) => historyAdvice(r),
  'API p99, deep ÷ first': (r) => historyAdvice(r),
  'logins/s': (r) => loginRateAdvice(r),
  'event-loop delay p99 (in-process)': (r) => signInAdvice(r),
  'drop → all back and caught up': (r) => stormAdvice(r),
  'messages lost (socket × message)': (r) => [
    `Lost messages by where they were (against each socket's cursor): ` +
      `${JSON.stringify(r.w5?.api.storm.result.lostWhere)}. "onClosedSockets" are sockets not back ` +
      'by the deadline (see the row above); any other bucket is a real gap.',
  ],
  'RSS per connected socket': () => [
    '- Per socket the API keeps, besides the Socket.IO socket: two extra rooms (user, session), ' +
      "a token-expiry timer, and Nest's per-socket handler subscriptions (one rxjs `fromEvent` per " +
      'gateway event). A heap snapshot with 1,000 sockets shows which dominates; one periodic ' +
      'expiry sweep instead of a timer per socket, and a sessionId → sockets map instead of the ' +
      'session room, are the cheap ones.',
  ],
  'rows stored vs messages acked': () => [
    'Every acked message must be stored exactly once: compare the W1 table (acked, rows).',
  ],
};

/** Metrics whose advice is the same: printed once. */
const GROUP: Record<string, string> = {
  'send→deliver p99': 'writer',
  'max persisted throughput': 'writer',
  'pages/s': 'history',
  'API p99, deep ÷ first': 'history',
  'logins/s': 'logins',
  'event-loop delay p99 (in-process)': 'loop-delay',
};

function historyAdvice(r: BenchResults): string[] {
  const w3 = r.w3;
  if (!w3) return [];
  const p = w3.apiDeep.profile;
  return [
    'The API runs the same statement as the raw baseline; what it adds per page is its own ' +
      `work on one core: the \`chat:history\` event through Nest's pipeline and class-validator ` +
      `(${pct(areaShare(p, VALIDATION))} of the busy time on the deep page), turning 51 rows into ` +
      "messages and encoding 50 of them. Membership comes from the socket's rooms (no query).",
    '- Answer `chat:history` in socket middleware with a hand-written payload check, as ' +
      '`message:send` is.',
  ];
}

function loginRateAdvice(r: BenchResults): string[] {
  const w4 = r.w4;
  if (!w4) return [];
  const p = w4.api.profile;
  // An upper bound: the profile also covers the idle probe second and the warm-up logins.
  const mainMs = p && w4.api.result.completed > 0 ? p.busyMs / w4.api.result.completed : 0;
  const writev = p?.byArea.find((a) => a.name === 'native writev');
  return [
    `bcrypt bounds both: ${n(w4.bcrypt.result.rate, 1)} compares/s on ${r.meta.cores} cores with ` +
      `nothing else running, so a compare costs about ${n((r.meta.cores * 1000) / w4.bcrypt.result.rate)} ms ` +
      "of CPU. The API hashes on libuv's 4 threads on the same cores as its main thread, " +
      `PostgreSQL and the load generator; its main thread was busy ${p ? pct(p.busyShare) : '?'} ` +
      `of the measurement (the probe's events included), at most ${n(mainMs, 1)} ms per login, ` +
      `and \`writev\` was ${writev ? pct(writev.share) : '?'} of that (the HTTP response, two ` +
      'queries). A login must cost less than a tenth of a compare for 0.9×.',
    '- Done: the user lookup and the session insert are plain SQL (no entity hydration), and the ' +
      'JWT secret is a KeyObject (given a string, jsonwebtoken first tries to parse it as a PEM ' +
      'key on every sign and verify).',
    '- Left: the rest is Express and Nest per request (body parsing, guards, the validation ' +
      'pipe, the interceptor chain) and the syscalls of two queries; one statement for both ' +
      '(`WITH u AS (SELECT …), s AS (INSERT INTO sessions … SELECT … FROM u) …`) would save a ' +
      'round trip, but the session may only be created after the password matched, so it does ' +
      'not fold into one statement without doing the compare in between.',
  ];
}

function signInAdvice(r: BenchResults): string[] {
  const w4 = r.w4;
  if (!w4) return [];
  return [
    `During the logins the API's main thread was busy ${w4.api.profile ? pct(w4.api.profile.busyShare) : '?'} ` +
      'of the time: its JavaScript does not block. The delay is the main thread waiting for a ' +
      "core: bcrypt runs on libuv's 4 worker threads, 4 CPU-bound threads on " +
      `${r.meta.cores} cores. For comparison, while the bcrypt ceiling hashed in another process ` +
      `(the API idle) the API's loop delay p99 was ${w4.loopDelayIdleApi.p99} ms, against ` +
      `${w4.loopDelay.p99} ms while it hashed itself.`,
    '- Keep a core for the event loop: hash in a small worker_threads pool (`bcrypt.compareSync` ' +
      'inside the worker) whose threads lower their own priority (on Linux `os.setPriority(tid, 10)` ' +
      'with the tid from `/proc/thread-self`), so hashing uses idle CPU but never preempts the ' +
      'loop; or, simpler, cap concurrent bcrypt calls at max(1, cores − 1) with a semaphore ' +
      '(fewer logins/s on 2 cores, no loop starvation).',
  ];
}

function stormAdvice(r: BenchResults): string[] {
  const w5 = r.w5;
  if (!w5) return [];
  const { api, relay } = w5;
  const p = api.storm.profile;
  const writev = p?.byArea.find((a) => a.name === 'native writev');
  const fanOut = inclusive(p, 'messageCreated');
  return [
    `Connecting the ${n(api.connect.connected)} sockets took ${n(api.connect.wallMs)} ms on the ` +
      `API and ${n(relay.connect.wallMs)} ms on the relay: a handshake costs the API a JWT check, ` +
      "a query (the session and its chats), joining the rooms, the `session` event and Nest's " +
      'per-socket handler subscriptions; each reconnected socket then asks for its catch-up page ' +
      '(a second query). The storm feeds on itself: the sender goes on at ' +
      `${api.storm.result.rate} msg/s to \`all\`, so the longer the storm, the more fan-out ` +
      `(${n(api.storm.result.acked)} messages to ${n(api.storm.result.sockets)} sockets on the API, ` +
      `${n(relay.storm.result.acked)} on the relay); in the profile the fan-out (\`messageCreated\`) ` +
      `was ${fanOut ? pct(fanOut.share) : '?'} of the busy time and \`writev\` ` +
      `${writev ? pct(writev.share) : '?'}, of which a large part is the queries' writes: on this ` +
      'machine a write that wakes another process is slow.' +
      (Object.keys(api.storm.result.reconnectErrors).length
        ? ` Failed attempts: ${JSON.stringify(api.storm.result.reconnectErrors)}.`
        : ''),
    '- Done: presence is batched (at most one `presence:batch` per socket per second, a contract ' +
      'addition the web app uses; before it, every connect sent N frames), the JWT secret is a ' +
      'KeyObject (a tenth of the storm went to jsonwebtoken parsing it as a PEM key), the ' +
      'handshakes waiting at the same time look their sessions and chat ids up with one query ' +
      "(Batcher), membership for `chat:history` comes from the socket's rooms, and the frames " +
      'flushed to a socket at once share one write.',
    "- Left: answer `chat:history` in socket middleware, as `message:send` is (Nest's pipeline " +
      'and its per-socket rxjs subscriptions are most of the rest of a reconnect), and fetch the ' +
      'catch-up pages of many sockets with one query, as the handshakes do.',
    ...(refusedAsUnauthorized(r)
      ? [
          "- In the handshake middleware, answer `unauthorized` only for an AppError('unauthorized'); " +
            'a database error is `unavailable`, which clients retry instead of signing the user out.',
        ]
      : []),
  ];
}

/** Whether busy-time failures reached clients as `unauthorized` in this run. */
function refusedAsUnauthorized(r: BenchResults): boolean {
  const errors = { ...r.w5?.api.connect.errors, ...r.w5?.api.storm.result.reconnectErrors };
  return Object.keys(errors).some((e) => e.includes('connect_error: unauthorized'));
}

function profileOf(r: BenchResults, row: Row): ProfileSummary | undefined {
  if (row.workload.startsWith('W1') && r.w1) {
    return row.metric === 'max persisted throughput'
      ? r.w1.api.closed.profile
      : r.w1.api.open.find((o) => o.result.rate === 1000)?.profile;
  }
  if (row.workload.startsWith('W2') && r.w2) {
    const steps = r.w2.api.steps;
    return ([...steps].reverse().find((s) => !s.pass) ?? steps[steps.length - 1])?.profile;
  }
  if (row.workload.startsWith('W3') && r.w3) return r.w3.apiDeep.profile;
  if (row.workload.startsWith('W4') && r.w4) return r.w4.api.profile;
  if (row.workload.startsWith('W5') && r.w5) return r.w5.api.storm.profile;
  return undefined;
}

/** What the run showed besides the targets. */
export function otherFindings(r: BenchResults): string[] {
  const out: string[] = [];
  const w3 = r.w3;
  if (w3 && w3.rawFirst.result.rate > 2 * w3.rawFirstPkOrder.result.rate) {
    out.push(
      `- **Why the history query orders by (chat_id, id).** As first written (\`chat_id = $1 … ` +
        `ORDER BY id\`), the newest page of the 1,000,000-message chat ran at ` +
        `${n(w3.rawFirstPkOrder.result.rate)} pages/s on raw node-pg, against ` +
        `${n(w3.rawFirst.result.rate)} for the API's statement: PostgreSQL walked the primary key ` +
        "backwards through other chats' newer messages. See the plans under W3.",
    );
  }
  const w5 = r.w5;
  if (w5) {
    const refused = { ...w5.api.connect.errors };
    for (const [k, v] of Object.entries(w5.api.storm.result.reconnectErrors)) {
      refused[k] = (refused[k] ?? 0) + v;
    }
    const stormMissed = r.rows.some(
      (row) => row.metric === 'drop → all back and caught up' && row.met === false,
    );
    if (Object.keys(refused).length && !stormMissed) {
      out.push(
        `- **Sockets refused or timed out while the API was busy** (connecting and the storm): ` +
          `${JSON.stringify(refused)}.` +
          (refusedAsUnauthorized(r)
            ? ' `connect_error: unauthorized` here is not a bad token: the handshake middleware ' +
              'turns any error of `authenticate` (a pool checkout timeout included) into ' +
              '`unauthorized`, which makes a client sign the user out.'
            : ''),
      );
    }
    const miss =
      w5.api.storm.result.newestCursorWouldMiss + w5.relay.storm.result.newestCursorWouldMiss;
    if (miss > 0) {
      out.push(
        `- **Catching up from the newest message held loses messages.** In the storm, ` +
          `${n(w5.api.storm.result.newestCursorWouldMiss)} (API) and ` +
          `${n(w5.relay.storm.result.newestCursorWouldMiss)} (relay) messages came back from ` +
          'catch-up that a client paging from the newest message it held would have skipped: ' +
          'live `message:new` events that arrive between `session` and the catch-up (or between ' +
          'its pages) move that cursor past the gap. Clients must page from the id they had ' +
          'when the connection dropped, as the harness does.',
      );
    }
  }
  if (out.length === 0) return [];
  return ['## Other findings', '', ...out, ''];
}

export function findings(r: BenchResults): string[] {
  const missed = r.rows.filter((row) => row.met === false);
  const out = ['## Targets not met, why, and what would close them', ''];
  if (missed.length === 0) {
    out.push('Every target was met in this run.', '');
    return [...out, ...otherFindings(r)];
  }
  const printed = new Set<string>();
  for (const row of missed) {
    const profile = profileOf(r, row);
    out.push(`### ${row.workload}: ${row.metric}`, '');
    const f = (v: number) => n(v, 1);
    const apiFigure = row.apiText ?? `${row.api === null ? '–' : f(row.api)} ${row.unit}`;
    const baseFigure =
      row.baselineText ??
      (row.baseline !== null ? `${row.baselineName} ${f(row.baseline)} ${row.unit}` : null);
    out.push(
      `Measured: API ${apiFigure.trim()}` +
        (baseFigure ? `, ${baseFigure.trim()}` : '') +
        (row.ratio !== null ? ` (ratio ${row.ratio.toFixed(2)})` : '') +
        `; target ${row.target}.`,
      '',
    );
    if (profile) {
      out.push(
        `Profile (API main thread busy ${pct(profile.busyShare)}): self time ` +
          profile.byArea
            .slice(0, 6)
            .map((a) => `${a.name} ${pct(a.share)}`)
            .join(', ') +
          '; API code, inclusive: ' +
          profile.topApiInclusive
            .slice(0, 4)
            .map((e) => `\`${e.name}\` ${pct(e.share)}`)
            .join(', ') +
          '.',
        '',
      );
    }
    const advice = ADVICE[row.metric];
    const group = GROUP[row.metric] ?? row.metric;
    if (advice && !printed.has(group)) {
      printed.add(group);
      out.push(...advice(r), '');
    } else if (advice) {
      out.push('The same causes and changes as above.', '');
    }
  }
  return [...out, ...otherFindings(r)];
}
