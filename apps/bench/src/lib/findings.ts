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

function writerAdvice(r: BenchResults): string[] {
  const p = r.w1?.api.closed.profile;
  const nest = areaShare(p, VALIDATION);
  return [
    `- Let writes overlap. The group-commit writer has one transaction in flight for the whole ` +
      `process, and in the closed loop the API's main thread was busy only ` +
      `${p ? pct(p.busyShare) : '?'} of the time while PostgreSQL used ` +
      `${n(r.w1?.api.closed.cpu.cores['postgres'] ?? 0, 2)} cores: throughput is batch size ÷ ` +
      'transaction time, not CPU. Id order only needs serialising *per chat*: give the writer a ' +
      'few lanes (e.g. 4, keyed by a hash of chatId), each with its own transaction in flight. ' +
      'Lanes lock disjoint chats, so they cannot deadlock, and ids stay in commit order per chat.',
    '- Make each batch one round trip instead of four (BEGIN; UPDATE … FOR UPDATE; INSERT; ' +
      "COMMIT): one statement is its own transaction. The pre-batching statement's shape does it: " +
      '`WITH chat AS (UPDATE chats SET last_message_at = now() WHERE id = ANY($1) RETURNING id), ' +
      'm AS (INSERT INTO messages … SELECT … FROM input i JOIN chat c ON c.id = i.chat_id JOIN ' +
      'chat_members cm … ORDER BY i.ord ON CONFLICT DO NOTHING RETURNING *) SELECT …`. The ' +
      'INSERT reads the locked rows, so ids are drawn after the locks are held; with lanes, ' +
      "each statement locks only its lane's chats.",
    `- Cut per-message work on the main thread: class-validator/class-transformer and Nest's ` +
      `WebSocket pipeline (pipes, rxjs, context) took ${pct(nest)} of the busy time in the ` +
      'closed loop. `message:send` is the hot path: check its three fields by hand ' +
      '(typeof, length after trim, a UUID regex) in a dedicated pipe, and keep the generic ' +
      'ValidationPipe for the rest.',
    "- Drop `JOIN users` from the insert: the sender is the socket's user, whose fullName is " +
      'already in `socket.data.user`.',
    ...pgPerMessage(r),
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

/** PostgreSQL CPU per message at the lowest open-loop rate, where batches are smallest. */
function pgPerMessage(r: BenchResults): string[] {
  const low = r.w1?.api.open[0];
  if (!low || !low.result.acked) return [];
  const us = ((low.cpu.cores['postgres'] ?? 0) * low.cpu.seconds * 1e6) / low.result.acked;
  return [
    `- At ${low.result.rate} msg/s, where batches hold a message or two, PostgreSQL spent ` +
      `${n(us)} µs of CPU per message: four statements per batch, each parsed and planned ` +
      'anew (TypeORM sends unnamed statements). One statement per batch, sent as a named ' +
      '(prepared) statement through the driver, pays that once per connection.',
  ];
}

type Advice = (r: BenchResults) => string[];

const ADVICE: Partial<Record<string, Advice>> = {
  'send→deliver p99': (r) => {
    const o = r.w1?.api.open.find((x) => x.result.rate === 1000);
    const relay = r.w1?.relay.open.find((x) => x.result.rate === 1000);
    return [
      `At 1,000 msg/s the API acked at p50 ${o?.result.ack.p50} ms (relay ${relay?.result.ack.p50} ms): ` +
        'a send waits for the transaction in flight, then for its own (four round trips and a WAL ' +
        'flush). Shorter and overlapping transactions bring the tail down:',
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
        'API adds per message (validation, the insert, the ack) is constant, not per member.',
      '- The fan-out itself can only get cheaper by sending fewer frames: coalesce what goes to ' +
        'the same socket in the same tick (presence and typing most of all, see W5).',
      ...relayFloorNote(r),
    ];
  },
  'pages/s': (r) => historyAdvice(r),
  'API p99, deep ÷ first': (r) => historyAdvice(r),
  'logins/s': (r) => loginRateAdvice(r),
  'event-loop delay p99 (in-process)': (r) => signInAdvice(r),
  'drop → all back and caught up': (r) => presenceAdvice(r),
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
  const first = w3.plans[0];
  return [
    `PostgreSQL serves the API's history query by walking \`messages_pkey\` backwards and ` +
      'filtering on chat_id (see the plans under W3): with `chat_id = $1` it drops chat_id from ' +
      'the ORDER BY and, estimating that the chat holds most rows, expects to find 51 quickly. ' +
      "For a chat whose newest message is older than other chats' traffic it reads all of that " +
      'traffic (first plan: ' +
      `${first ? (/Rows Removed by Filter: (\d+)/.exec(first.plan)?.[1] ?? '?') : '?'} rows removed), ` +
      "and a page before a chat's oldest message reads every older row of the table.",
    `- Write it so that only \`ix_messages_chat_id_id\` can give the order: \`WHERE m.chat_id >= $1 ` +
      'AND m.chat_id <= $1 … ORDER BY m.chat_id DESC, m.id DESC` (ASC for `after`). Raw node-pg ' +
      `ran that first page at ${n(w3.rawFirstComposite.result.rate)} pages/s against ` +
      `${n(w3.rawFirst.result.rate)} for the current query, same data, same run.`,
    '- Fold the membership check into the page query (`AND EXISTS (SELECT 1 FROM chat_members ' +
      'WHERE chat_id = $1 AND user_id = $5)`, forbidden when it returns no row and the chat ' +
      'has no such member) to save a round trip and a pool checkout per page.',
    `- On the API side of a page (deep page profile): parsing \`created_at\` into a Date and ` +
      `back to ISO (\`postgres-date\` ${pct(areaShare(w3.apiDeep.profile, ['postgres-date']))}) ` +
      "can go: select `created_at` already formatted (e.g. `to_json(m.created_at) #>> '{}'`) " +
      'or register a pass-through type parser for timestamptz.',
  ];
}

function loginRateAdvice(r: BenchResults): string[] {
  const w4 = r.w4;
  if (!w4) return [];
  const p = w4.api.profile;
  const orm = areaShare(p, ['typeorm']);
  return [
    `bcrypt bounds both: ${n(w4.bcrypt.result.rate, 1)} compares/s on ${r.meta.cores} cores with ` +
      `nothing else running. During the logins the API's own work ran on the same cores as its ` +
      `4 hashing threads and PostgreSQL (API ${n(w4.api.cpu.cores['api'] ?? 0, 2)} cores in all, ` +
      `PostgreSQL ${n(w4.api.cpu.cores['postgres'] ?? 0, 2)}); TypeORM alone was ${pct(orm)} ` +
      "of the main thread's busy time.",
    '- Make the rest of a login cheap: the user lookup and the session insert as plain ' +
      'parameterised queries (`SELECT id, login, full_name, password_hash FROM users WHERE ' +
      'login = $1`, `INSERT INTO sessions … RETURNING id`) instead of `findOne` / `save` with ' +
      'entity hydration; every millisecond of main-thread work is a millisecond of a core not ' +
      'hashing.',
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

function presenceAdvice(r: BenchResults): string[] {
  const w5 = r.w5;
  if (!w5) return [];
  const api = w5.api;
  const presence = inclusive(api.storm.profile, 'presence');
  const writev = api.storm.profile?.byArea.find((a) => a.name === 'native writev');
  return [
    `Every socket that connects or drops sends a \`presence\` event to every connected member of ` +
      `\`all\`: O(N²) frames. Connecting ${api.connect.users.length} sockets delivered ` +
      `${n(api.connect.frames.presence)} presence events to them` +
      (api.connect.failed
        ? ` and ${api.connect.failed} of ${api.connect.failed + api.connect.connected} sockets did not connect in time`
        : '') +
      `; the storm another ${n(api.storm.result.frames.presence)}. In the storm's profile ` +
      `\`presence\` was ${presence ? pct(presence.share) : '?'} of the busy time (inclusive) and ` +
      `\`writev\` ${writev ? pct(writev.share) : '?'}.` +
      (Object.keys(api.storm.result.reconnectErrors).length
        ? ' The event loop falls behind, pool checkouts time out and reconnections fail: ' +
          `${JSON.stringify(api.storm.result.reconnectErrors)}.`
        : ''),
    '- Coalesce presence: collect online/offline changes and flush them once per 0.5–1 s as one ' +
      'event per room (e.g. `presence` carrying a list; a contract addition), or send presence ' +
      'only to direct chats and let clients ask for the members of `all` they display. Either ' +
      'turns N² frames per storm into about N per flush.',
    ...(refusedAsUnauthorized(r)
      ? [
          "- In the handshake middleware, answer `unauthorized` only for an AppError('unauthorized'); " +
            'a database error is `unavailable`, which clients retry instead of signing the user out.',
        ]
      : []),
    '- A connect costs two queries, each with its own pool checkout (the session in ' +
      '`authenticate`, then `memberChatIds`): one query returning both halves the pool pressure ' +
      'of a storm.',
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
  if (w3 && w3.rawFirstComposite.result.rate > 2 * w3.rawFirst.result.rate) {
    out.push(
      `- **History's first page is slow on a big chat** (the API keeps pace with raw node-pg ` +
        `running the same SQL: both are slow): ${n(w3.apiFirst.result.rate)} pages/s ` +
        `against ${n(w3.apiDeep.result.rate)} for a page ${n(w3.deepOffset)} deep. The same page in index ` +
        `order ran at ${n(w3.rawFirstComposite.result.rate)} pages/s: see "History" below.`,
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
