import { LIMITS, type Chat } from '@chat/shared-types';
import type { Client } from 'pg';
import { log, type Bench } from './bench';
import { randomUUID } from 'node:crypto';
import { HISTORY_SQL, HISTORY_SQL_PK_ORDER } from './sql';
import type { BcryptCommands, W2StepResult } from './protocol';
import type { BenchResults, Target, W1Side, W2Search, W2Side, W5Side } from './results';
import { ChildRpc } from './rpc';
import { GLOBAL_CHAT, type BenchUser } from './seed';
import { round, sleep } from './stats';

export const PASSWORD = 'bench-password-1';
const TARGETS = ['api', 'relay'] as const;

/**
 * Memory and W5. Run first, while the API and the relay are fresh processes: heap grown by
 * earlier workloads stays resident and would hide what the sockets themselves take.
 */
export async function runW5(b: Bench): Promise<NonNullable<BenchResults['w5']>> {
  const { scale } = b;
  let users = b.seeded.bench.slice(0, scale.w5Sockets);
  const requested = users.length;
  const out = {} as Record<Target, W5Side>;
  for (const target of TARGETS) {
    log(`W5 reconnect storm, and memory per socket: ${target}`);
    await sleep(500);
    const beforeKiB = await b.rss(target);
    const connect = await b.connect(`w5-${target}`, target, users, {
      concurrency: 128,
      deadlineMs: scale.w5ConnectMs,
      required: false,
    });
    // The relay gets exactly the sockets the API managed to connect.
    users = users.filter((u) => connect.users.includes(u.index));
    await sleep(1000);
    const afterKiB = await b.rss(target);
    const memory = {
      sockets: connect.connected,
      beforeKiB,
      afterKiB,
      perSocketKiB: (afterKiB - beforeKiB) / connect.connected,
    };
    log(`  RSS ${beforeKiB} → ${afterKiB} KiB: ${memory.perSocketKiB.toFixed(1)} KiB per socket`);
    await b.connect(`w5s-${target}`, target, [b.seeded.sender]);
    const storm = await b.measure(`w5-${target}`, target, () =>
      b.generator.call(
        'storm',
        {
          pool: `w5-${target}`,
          senderPool: `w5s-${target}`,
          chatId: GLOBAL_CHAT,
          rate: scale.w5Rate,
          leadMs: 1000,
          tailMs: 1000,
          concurrency: scale.w5Concurrency,
          timeoutMs: scale.w5TimeoutMs,
          historyLimit: 100,
          phase: b.nextPhase(),
        },
        scale.w5TimeoutMs + 60_000,
      ),
    );
    const s = storm.result;
    log(
      `  ${s.back}/${s.sockets} back in ${Math.round(s.allBackMs)} ms, ${s.acked} sent meanwhile, ` +
        `lost ${s.lost} ${JSON.stringify(s.lostWhere)}, caught up ${s.caughtUp}, ` +
        `presence frames ${s.frames.presence}` +
        (Object.keys(s.reconnectErrors).length
          ? `, failed attempts: ${JSON.stringify(s.reconnectErrors)}`
          : ''),
    );
    await b.disconnect(`w5-${target}`);
    await b.disconnect(`w5s-${target}`);
    out[target] = { connect, storm, memory };
  }
  return { ...out, requested };
}

export async function runW1(b: Bench): Promise<NonNullable<BenchResults['w1']>> {
  const { scale, seeded } = b;
  log('raw node-pg writes on the same database (API idle)');
  const pgWrite = (kind: 'insert' | 'batch', concurrency: number, batchSize: number) =>
    b.generator.call('pg', {
      url: b.p.dbUrl,
      kind,
      concurrency,
      warmupMs: scale.warmupMs,
      durationMs: scale.pgMs,
      writers: seeded.writers,
      batchSize,
      keyset: null,
    });
  const pgInsert = await b.measure('raw-pg-insert', 'none', () => pgWrite('insert', 20, 1));
  const batchSize = 100;
  const pgBatch = await b.measure('raw-pg-batch', 'none', () => pgWrite('batch', 4, batchSize));
  log(
    `  single-row ${Math.round(pgInsert.result.rate)} rows/s, batched ${Math.round(pgBatch.result.rate)} rows/s`,
  );

  const out = {} as Record<Target, W1Side>;
  for (const target of TARGETS) {
    log(`W1 direct messages: ${target}`);
    const pool = `w1-${target}`;
    const connect = await b.connect(pool, target, seeded.w1Users);
    const open: W1Side['open'] = [];
    for (const rate of scale.w1Rates) {
      const rowsBefore = target === 'api' ? await countRows(b.p.db, seeded.w1Chats) : 0;
      const measured = await b.measure(`w1-${target}-${rate}`, target, () =>
        b.generator.call('w1Open', {
          pool,
          pairs: seeded.pairs,
          rate,
          durationMs: scale.w1OpenMs,
          drainMs: scale.w1DrainMs,
          phase: b.nextPhase(),
        }),
      );
      const rowsStored =
        target === 'api' ? (await countRows(b.p.db, seeded.w1Chats)) - rowsBefore : undefined;
      const r = measured.result;
      flagLag(measured.flags, r.sendLag.p99);
      log(
        `  ${rate}/s: acked ${r.acked}/${r.sent}, delivered ${r.delivered}, deliver p50 ${r.deliver.p50} ` +
          `p99 ${r.deliver.p99} ms, ack p99 ${r.ack.p99} ms` +
          (rowsStored !== undefined ? `, rows stored ${rowsStored}` : ''),
      );
      open.push({ ...measured, rowsStored });
    }
    const closed = await b.measure(`w1-${target}-closed`, target, () =>
      b.generator.call('w1Closed', {
        pool,
        pairs: seeded.pairs,
        window: scale.w1Window,
        warmupMs: scale.warmupMs,
        durationMs: scale.w1ClosedMs,
        phase: b.nextPhase(),
      }),
    );
    log(`  closed loop: ${Math.round(closed.result.throughput)} msg/s`);
    // Edits and reactions (#12): the relay has none, so the API alone.
    const changes =
      target === 'api'
        ? await b.measure(`w1-changes-${scale.w1ChangesRate}`, target, () =>
            b.generator.call('w1Changes', {
              pool,
              pairs: seeded.pairs,
              rate: scale.w1ChangesRate,
              durationMs: scale.w1ChangesMs,
              drainMs: scale.w1DrainMs,
            }),
          )
        : undefined;
    if (changes) {
      const c = changes.result;
      flagLag(changes.flags, c.sendLag.p99);
      log(
        `  changes ${c.rate}/s: edits ${c.edits.acked}/${c.edits.sent} ack p99 ${c.edits.ack.p99} ms, ` +
          `reactions ${c.reactions.acked}/${c.reactions.sent} ack p99 ${c.reactions.ack.p99} ms, ` +
          `errors ${JSON.stringify(c.errors)}, message:updated heard ${c.updatesHeard}`,
      );
    }
    await b.disconnect(pool);
    out[target] = { connect, open, closed, ...(changes ? { changes } : {}) };
  }
  const insertPlan = await explainWriterBatch(b.p.db, b.p.dbName, seeded.writers, WRITER_BATCH);
  return { ...out, pgInsert, pgBatch: { ...pgBatch, batchSize }, insertPlan };
}

/** Messages in the batch whose plan W1 shows: about what the closed loop's batches held. */
const WRITER_BATCH = 200;

/**
 * EXPLAIN ANALYZE of the API's batch statement for `count` messages spread over the W1 chats,
 * in a transaction that is rolled back: where PostgreSQL's time per batch goes (the trigger
 * lines are the foreign-key checks of the inserted rows). The statement is the one the API
 * last ran, read from pg_stat_activity, so it is exactly the API's.
 */
async function explainWriterBatch(
  db: Client,
  dbName: string,
  writers: { chatId: string; senderId: string }[],
  count: number,
): Promise<{ messages: number; plan: string } | undefined> {
  const found = await db.query<{ query: string; size: string }>(
    `SELECT query, current_setting('track_activity_query_size') AS size FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid() AND query LIKE 'WITH locked AS%'
      LIMIT 1`,
    [dbName],
  );
  const sql = found.rows[0]?.query;
  // pg_stat_activity cuts a statement at track_activity_query_size - 1 bytes.
  if (!sql || Buffer.byteLength(sql) >= Number(found.rows[0]?.size) - 1) {
    log("  the API's batch statement is not in pg_stat_activity (or cut short): no plan");
    return undefined;
  }
  const batch = Array.from({ length: count }, (_, i) => writers[i % writers.length]);
  const params = [
    batch.map((w) => w?.chatId),
    batch.map((w) => w?.senderId),
    batch.map(() => randomUUID()),
    batch.map((_, i) => `explain ${i}`),
    [...new Set(batch.map((w) => w?.chatId))].sort(),
  ];
  await db.query('BEGIN');
  try {
    const rows = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) ${sql}`,
      params,
    );
    const plan = rows.rows.map((r) => r['QUERY PLAN']).join('\n');
    // The chat ids inlined as an array literal would fill pages: elided.
    return { messages: count, plan: plan.replace(/'\{[^}]{100,}\}'/g, "'{…}'") };
  } finally {
    await db.query('ROLLBACK');
  }
}

/** A step fails on p99 ≥ 250 ms, any member missing any message, an error, or a backlog. */
export function w2Pass(r: W2StepResult): boolean {
  return (
    !r.aborted &&
    r.acked === r.sent &&
    r.complete === r.acked &&
    r.deliveries === r.expected &&
    r.latency.p99 < 250
  );
}

export async function runW2(b: Bench): Promise<NonNullable<BenchResults['w2']>> {
  const { scale } = b;
  let users = b.seeded.bench.slice(0, scale.w2Members);
  const out = {} as Record<Target, W2Side>;
  for (const target of TARGETS) {
    log(`W2 fan-out in all: ${target}`);
    const pool = `w2-${target}`;
    const connect = await b.connect(pool, target, users, {
      deadlineMs: scale.w2ConnectMs,
      required: false,
    });
    // The relay gets exactly the members the API managed to connect.
    users = users.filter((u) => connect.users.includes(u.index));
    const all = await w2RateSearch(b, target, pool, GLOBAL_CHAT, `w2-${target}`);
    out[target] = { connect, ...all };
    if (target === 'api') {
      // The same members, the same path, in a group of theirs instead of `all`.
      const group = await createW2Group(b, users.slice(0, LIMITS.groupMembersMax));
      log(
        `W2 fan-out in a group of ${group.members}: api (created in ${round(group.createMs)} ms)`,
      );
      const search = await w2RateSearch(b, target, pool, group.chatId, `w2-${target}-group`);
      out[target].group = { ...group, ...search };
    }
    await b.disconnect(pool);
  }
  return out;
}

/**
 * Creates a group of `members` through the API (the first is its owner) while their sockets are
 * connected: the server joins every socket to the group's room before it answers.
 */
async function createW2Group(
  b: Bench,
  members: BenchUser[],
): Promise<{ chatId: string; members: number; createMs: number }> {
  const [owner, ...others] = members;
  if (!owner || others.length === 0) throw new Error('W2 group: no members connected');
  const started = performance.now();
  const res = await fetch(`${b.p.apiUrl}/api/chats`, {
    method: 'POST',
    headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'W2 fan-out', memberIds: others.map((u) => u.id) }),
  });
  const body = (await res.json()) as Chat;
  if (res.status !== 201) throw new Error(`W2 group: POST /api/chats answered ${res.status}`);
  return { chatId: body.id, members: body.memberCount, createMs: performance.now() - started };
}

/**
 * W2's rate search in one chat: the rate doubles until a step fails, then one step between the
 * last pass and the first failure.
 */
async function w2RateSearch(
  b: Bench,
  target: Target,
  pool: string,
  chatId: string,
  label: string,
): Promise<Omit<W2Search, 'connect'>> {
  const { scale } = b;
  const steps: W2Search['steps'] = [];
  // A failed step is tried once more: on a shared machine a passing rate can fail once.
  const step = async (rate: number): Promise<boolean> => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const measured = await b.measure(`${label}-${rate}`, target, () =>
        b.generator.call('w2Step', {
          pool,
          chatId,
          senders: scale.w2Senders,
          rate,
          durationMs: scale.w2StepMs,
          maxDrainMs: 3000,
          abortLateMs: 1500,
          phase: b.nextPhase(),
        }),
      );
      const pass = w2Pass(measured.result);
      const r = measured.result;
      flagLag(measured.flags, r.sendLag.p99);
      log(
        `  ${rate} msg/s × ${r.members}: ${pass ? 'pass' : 'FAIL'} (try ${attempt}) — p99 ${r.latency.p99} ms, ` +
          `${r.complete}/${r.acked} complete, ${r.deliveries}/${r.expected} deliveries` +
          (r.aborted ? ', stopped: backlog' : ''),
      );
      steps.push({ ...measured, pass });
      if (pass) return true;
      await sleep(1500);
    }
    return false;
  };
  let rate = scale.w2StartRate;
  let lastPass = 0;
  let firstFail = 0;
  const searchEnd = performance.now() + scale.w2SearchMs;
  for (let i = 0; i < scale.w2MaxSteps && performance.now() < searchEnd; i++) {
    if (await step(rate)) {
      lastPass = rate;
      rate *= 2;
    } else {
      firstFail = rate;
      break;
    }
  }
  if (lastPass && firstFail && performance.now() < searchEnd) {
    await step(Math.round(Math.sqrt(lastPass * firstFail)));
  }
  const best = steps.filter((s) => s.pass).sort((x, y) => y.result.rate - x.result.rate)[0] ?? null;
  return { steps, best, ceilingReached: firstFail > 0 };
}

export async function runW3(b: Bench): Promise<NonNullable<BenchResults['w3']>> {
  const { scale, seeded } = b;
  log('W3 history');
  const deepCursor = (
    await b.p.db.query<{ id: string }>(
      `SELECT id::text AS id FROM messages WHERE chat_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1`,
      [seeded.w3Chat, scale.w3DeepOffset],
    )
  ).rows[0]?.id;
  if (!deepCursor) throw new Error('no deep cursor');
  const raw = (before: string | null, pkOrder = false) =>
    b.generator.call('pg', {
      url: b.p.dbUrl,
      kind: 'keyset',
      concurrency: scale.w3Concurrency,
      warmupMs: scale.warmupMs,
      durationMs: scale.w3Ms,
      writers: [],
      batchSize: 1,
      keyset: { chatId: seeded.w3Chat, before, limit: 50, pkOrder },
    });
  const rawFirst = await b.measure('w3-raw-first', 'none', () => raw(null));
  const rawDeep = await b.measure('w3-raw-deep', 'none', () => raw(deepCursor));
  const rawFirstPkOrder = await b.measure('w3-raw-first-pk-order', 'none', () => raw(null, true));
  const [a, c] = seeded.w3Users;
  await b.connect(
    'w3',
    'api',
    Array.from({ length: scale.w3Concurrency }, (_, i) => (i % 2 ? c : a)),
  );
  const api = (before: string | null) =>
    b.generator.call('history', {
      pool: 'w3',
      chatId: seeded.w3Chat,
      limit: 50,
      warmupMs: scale.warmupMs,
      durationMs: scale.w3Ms,
      before,
    });
  const apiFirst = await b.measure('w3-api-first', 'api', () => api(null));
  const apiDeep = await b.measure('w3-api-deep', 'api', () => api(deepCursor));
  await b.disconnect('w3');
  for (const m of [rawFirst, rawDeep, rawFirstPkOrder, apiFirst, apiDeep]) {
    log(
      `  ${m.label}: ${Math.round(m.result.rate)}/s, p50 ${m.result.latency.p50} p99 ${m.result.latency.p99} ms`,
    );
  }
  // The plans of the API's query, and of the query as first written on the same pages.
  const oldestInAll = (
    await b.p.db.query<{ id: string | null }>(
      `SELECT (min(id) + 1)::text AS id FROM messages WHERE chat_id = $1`,
      [GLOBAL_CHAT],
    )
  ).rows[0]?.id;
  const cases: [string, string, string, string | null][] = [
    ['API query, first page of the W3 chat', HISTORY_SQL, seeded.w3Chat, null],
    ['API query, deep page of the W3 chat', HISTORY_SQL, seeded.w3Chat, deepCursor],
    [
      'query as first written, first page of the W3 chat',
      HISTORY_SQL_PK_ORDER,
      seeded.w3Chat,
      null,
    ],
  ];
  if (oldestInAll) {
    cases.push(
      [
        'API query, last page of `all` (before its oldest message)',
        HISTORY_SQL,
        GLOBAL_CHAT,
        oldestInAll,
      ],
      ['query as first written, same page', HISTORY_SQL_PK_ORDER, GLOBAL_CHAT, oldestInAll],
    );
  }
  const plans: { title: string; plan: string }[] = [];
  for (const [title, sql, chatId, before] of cases) {
    plans.push({ title, plan: await explain(b.p.db, sql, chatId, before) });
  }
  return {
    deepCursor,
    deepOffset: scale.w3DeepOffset,
    rawFirst,
    rawDeep,
    rawFirstPkOrder,
    apiFirst,
    apiDeep,
    plans,
  };
}

/** The plan PostgreSQL picks for a history query (custom plan, as node-pg runs it). */
async function explain(
  db: Client,
  sql: string,
  chatId: string,
  before: string | null,
): Promise<string> {
  const rows = await db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`,
    [chatId, before, null, 51],
  );
  return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
}

export async function runW4(b: Bench): Promise<NonNullable<BenchResults['w4']>> {
  const { scale, seeded } = b;
  log('W4 sign-in');
  const child = ChildRpc.start<BcryptCommands>('ceilings/bcrypt-ceiling', { name: 'bcrypt' });
  b.bcryptPid = child.pid;
  // Control: the API's event-loop delay while another process hashes (the API idle).
  await b.p.inspector.startLoopDelay();
  const bcrypt = await b.measure('ceiling-bcrypt', 'none', () =>
    child.call('run', {
      hash: seeded.passwordHash,
      password: PASSWORD,
      concurrency: scale.w4Concurrency,
      warmupMs: scale.warmupMs,
      durationMs: scale.bcryptMs,
    }),
  );
  const minusTimer = (ms: number) => Math.max(0, round(ms - 1, 3));
  const idleDelay = await b.p.inspector.readLoopDelay();
  const loopDelayIdleApi = {
    p50: minusTimer(idleDelay.p50),
    p99: minusTimer(idleDelay.p99),
    max: minusTimer(idleDelay.max),
    mean: minusTimer(idleDelay.mean),
  };
  await child.stop();
  b.bcryptPid = null;

  const [probeUser] = seeded.bench;
  if (!probeUser) throw new Error('no users');
  await b.connect('probe', 'api', [probeUser]);
  const idleMs = 1000;
  // The in-process histogram covers the measured logins only (not the idle probe, not warm-up).
  const startDelay = setTimeout(
    () => void b.p.inspector.startLoopDelay().catch(() => undefined),
    idleMs + scale.warmupMs,
  );
  const api = await b.measure('w4-api', 'api', () =>
    b.generator.call('logins', {
      baseUrl: b.p.apiUrl,
      logins: seeded.loginUsers,
      password: PASSWORD,
      concurrency: scale.w4Concurrency,
      warmupMs: scale.warmupMs,
      durationMs: scale.w4Ms,
      probePool: 'probe',
      probeIntervalMs: 10,
      idleMs,
    }),
  );
  clearTimeout(startDelay);
  const raw = await b.p.inspector.readLoopDelay();
  const loopDelay = {
    p50: minusTimer(raw.p50),
    p99: minusTimer(raw.p99),
    max: minusTimer(raw.max),
    mean: minusTimer(raw.mean),
  };
  await b.disconnect('probe');
  log(
    `  ${round(api.result.rate)} logins/s (bcrypt ceiling ${round(bcrypt.result.rate)}/s), ` +
      `loop delay p99 ${loopDelay.p99} ms (${loopDelayIdleApi.p99} ms while bcrypt ran elsewhere), probe p99 idle ${api.result.probeIdle.p99} / ` +
      `load ${api.result.probeLoad.p99} ms`,
  );
  return { api, bcrypt, loopDelay, loopDelayIdleApi, concurrency: scale.w4Concurrency };
}

/** Open-loop sends more than 5 ms late: the generator did not get the CPU when it needed it. */
function flagLag(flags: string[], lagP99: number): void {
  if (lagP99 > 5) flags.push(`generator late (send lag p99 ${round(lagP99)} ms)`);
}

async function countRows(db: Client, chatIds: string[]): Promise<number> {
  const result = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM messages WHERE chat_id = ANY($1)`,
    [chatIds],
  );
  return Number(result.rows[0]?.n ?? 0);
}
