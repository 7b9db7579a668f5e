import { LocalPostgres, WORKSPACE_ROOT, freePort, startTestApi } from '@chat/test-harness';
import * as bcrypt from 'bcrypt';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { Inspector } from './lib/inspector';
import {
  CORES,
  cpuModel,
  cpuSnapshot,
  cpuUse,
  openFilesLimit,
  rssKiB,
  type CpuUse,
} from './lib/proc';
import { summarizeProfile } from './lib/profile';
import type {
  BcryptCommands,
  ClientSpec,
  ConnectResult,
  DmPair,
  GeneratorCommands,
  RelayCommands,
  W2StepResult,
} from './lib/protocol';
import { renderMarkdown, renderTable, summaryRows } from './lib/report';
import type { BenchResults, Measured, Target, W1Side, W2Side, W5Side } from './lib/results';
import { ChildRpc } from './lib/rpc';
import { FULL, SMOKE, type Scale } from './lib/scale';
import { GLOBAL_CHAT, seedDirectChats, seedHistory, seedUsers, type BenchUser } from './lib/seed';
import { round, sleep } from './lib/stats';

const PASSWORD = 'bench-password-1';
const PROFILE_DIR = join(WORKSPACE_ROOT, 'dist/bench/profiles');

interface Options {
  smoke: boolean;
  markdown: string;
  json: string;
}

function parseOptions(argv: string[]): Options {
  const smoke = argv.includes('--smoke');
  const value = (name: string) => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    return arg ? resolve(arg.slice(name.length + 3)) : null;
  };
  const outDir = smoke ? join(WORKSPACE_ROOT, 'dist/bench') : join(WORKSPACE_ROOT, 'docs');
  const stem = smoke ? 'benchmarks-smoke' : 'benchmarks';
  return {
    smoke,
    markdown: value('out') ?? join(outDir, `${stem}.md`),
    json: value('json') ?? join(outDir, `${stem}.json`),
  };
}

const started = performance.now();
const log = (message: string) =>
  console.log(
    `[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`,
  );

/** Everything one run holds: processes, database, seeded users. */
class Bench {
  phase = 0;
  otherLoad: { cores: number; seconds: number } = { cores: 0, seconds: 0 };
  bcryptPid: number | null = null;

  constructor(
    readonly scale: Scale,
    readonly apiUrl: string,
    readonly apiPid: number,
    readonly relayUrl: string,
    readonly relay: ChildRpc<RelayCommands>,
    readonly generator: ChildRpc<GeneratorCommands>,
    readonly inspector: Inspector,
    readonly db: Client,
    readonly dbName: string,
    readonly users: BenchUser[],
    readonly roomsOf: Map<number, string[]>,
  ) {}

  private async pgPids(): Promise<number[]> {
    const rows = await this.db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = $1 OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
      [this.dbName],
    );
    return rows.rows.map((r) => r.pid);
  }

  private async snapshot() {
    return cpuSnapshot({
      api: [this.apiPid],
      postgres: await this.pgPids(),
      relay: [this.relay.pid],
      generator: [this.generator.pid],
      bcrypt: this.bcryptPid ? [this.bcryptPid] : [],
      harness: [process.pid],
    });
  }

  /** Runs one measurement with CPU accounting, and a CPU profile of the API when it is the target. */
  async measure<T>(
    label: string,
    target: Target | 'none',
    run: () => Promise<T>,
  ): Promise<Measured<T>> {
    const profiling = target === 'api';
    if (profiling) await this.inspector.startProfile(1000);
    const before = await this.snapshot();
    const result = await run();
    const after = await this.snapshot();
    const cpu = cpuUse(before, after);
    const measured: Measured<T> = { label, result, cpu, flags: flagsOf(cpu, target) };
    if (profiling) {
      const profile = await this.inspector.stopProfile();
      mkdirSync(PROFILE_DIR, { recursive: true });
      writeFileSync(join(PROFILE_DIR, `${label}.cpuprofile`), JSON.stringify(profile));
      measured.profile = summarizeProfile(profile);
    }
    this.otherLoad.cores += cpu.other * cpu.seconds;
    this.otherLoad.seconds += cpu.seconds;
    const flags = measured.flags.length ? ` [${measured.flags.join(', ')}]` : '';
    log(`  ${label}: ${describeCpu(cpu)}${flags}`);
    return measured;
  }

  nextPhase(): number {
    return ++this.phase;
  }

  urlOf(target: Target): string {
    return target === 'api' ? this.apiUrl : this.relayUrl;
  }

  /** The handshake each target expects for a user. */
  clientSpec(target: Target, user: BenchUser): ClientSpec {
    if (target === 'api') return { user: user.index, auth: { token: user.token } };
    return {
      user: user.index,
      auth: {
        userId: user.id,
        login: user.login,
        fullName: user.fullName,
        rooms: this.roomsOf.get(user.index) ?? [GLOBAL_CHAT],
      },
    };
  }

  async connect(pool: string, target: Target, users: BenchUser[], concurrency = 64) {
    const result = await this.generator.call('connect', {
      pool,
      baseUrl: this.urlOf(target),
      clients: users.map((u) => this.clientSpec(target, u)),
      concurrency,
      timeoutMs: 60_000,
    });
    log(
      `  ${pool}: ${result.connected}/${users.length} sockets in ${Math.round(result.wallMs)} ms` +
        ` (presence frames received: ${result.frames.presence})`,
    );
    if (result.failed > 0) {
      throw new Error(`${pool}: ${result.failed} sockets failed: ${result.errors.join('; ')}`);
    }
    return result;
  }

  async disconnect(pool: string) {
    await this.generator.call('disconnect', { pool });
  }

  async rss(target: Target): Promise<number> {
    if (target === 'relay') return (await this.relay.call('gc', {})).rssKiB;
    await this.inspector.collectGarbage();
    await sleep(200);
    await this.inspector.collectGarbage();
    return rssKiB(this.apiPid);
  }
}

function flagsOf(cpu: CpuUse, target: Target | 'none'): string[] {
  const flags: string[] = [];
  if ((cpu.cores['generator'] ?? 0) >= 0.9) flags.push('generator-bound');
  if (cpu.machine >= CORES * 0.95) flags.push('machine-bound');
  if (cpu.other >= 0.25) flags.push(`noisy (${round(cpu.other, 2)} cores of other work)`);
  if (target !== 'none' && (cpu.cores[target] ?? 0) >= 0.9)
    flags.push(`${target} main thread ~saturated`);
  return flags;
}

function describeCpu(cpu: CpuUse): string {
  const parts = Object.entries(cpu.cores)
    .filter(([, v]) => v >= 0.01)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`);
  return `cores: ${parts.join(', ')}, other ${cpu.other.toFixed(2)} (${cpu.seconds.toFixed(1)} s)`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const scale = options.smoke ? SMOKE : FULL;
  const budget = setTimeout(() => {
    console.error(`bench: over its budget of ${scale.budgetMs / 1000} s; giving up`);
    process.exit(3);
  }, scale.budgetMs);
  budget.unref();

  const filesNeeded = scale.users * 2 + 500;
  if (openFilesLimit() < filesNeeded) {
    throw new Error(
      `the open-files limit (${openFilesLimit()}) is below the ${filesNeeded} this run needs: ` +
        `run through apps/bench/bench.sh (it raises the soft limit to the hard one)`,
    );
  }
  log(`mode ${options.smoke ? 'smoke' : 'full'}; ${CORES} cores, node ${process.version}`);

  // --- The API on a fresh database, the relay, the load generator ---------------------------
  const jwtSecret = randomBytes(32).toString('hex');
  const inspectPort = await freePort();
  const localServer = await LocalPostgres.connect();
  const apiRun = await startTestApi({
    name: 'bench',
    env: {
      NODE_ENV: 'production',
      JWT_SECRET: jwtSecret,
      MESSAGE_RATE: '1000000',
      MESSAGE_BURST: '1000000',
      RATE_LIMIT_LOGIN: '1000000',
      BCRYPT_COST: '10',
      NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`,
    },
  });
  const cleanups: (() => Promise<unknown>)[] = [() => apiRun.cleanUp()];
  const cleanUp = async () => {
    for (const step of cleanups.reverse()) await step().catch((e: unknown) => log(String(e)));
  };
  try {
    const apiPid = apiRun.api.pid;
    if (!apiPid) throw new Error('the API has no pid');
    const dbUrl = apiRun.database?.url ?? embeddedUrl(apiRun.api.output());
    const dbName = apiRun.database?.name ?? 'chat';
    const postgresSource = apiRun.database
      ? `local server (${new URL(localServer?.adminUrl ?? dbUrl).host}), fresh database ${dbName}`
      : 'embedded PostgreSQL started by the API (no local server answered)';
    log(`API ${apiRun.api.baseUrl} (pid ${apiPid}) on ${postgresSource}`);

    const relay = ChildRpc.start<RelayCommands>('relay/relay', {
      name: 'relay',
      execArgv: ['--expose-gc'],
    });
    cleanups.push(() => relay.stop());
    const generator = ChildRpc.start<GeneratorCommands>('load/generator', { name: 'generator' });
    cleanups.push(() => generator.stop());
    const relayUrl = `http://127.0.0.1:${(await relay.call('port', {})).port}`;
    log(`relay ${relayUrl} (pid ${relay.pid}); generator pid ${generator.pid}`);

    const inspector = await Inspector.connect(inspectPort);
    cleanups.push(async () => inspector.close());
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    cleanups.push(() => db.end());

    // --- Seeding ------------------------------------------------------------------------------
    const hash = await bcrypt.hash(PASSWORD, 10);
    const users = await seedUsers(db, scale.users + 3, hash, jwtSecret);
    const bench = users.slice(0, scale.users);
    const sender = users[scale.users] as BenchUser;
    const w3a = users[scale.users + 1] as BenchUser;
    const w3b = users[scale.users + 2] as BenchUser;
    const w1Users = bench.slice(0, scale.w1Pairs * 2);
    const w1PairsUsers = Array.from(
      { length: scale.w1Pairs },
      (_, k) => [w1Users[2 * k], w1Users[2 * k + 1]] as [BenchUser, BenchUser],
    );
    const w1Chats = await seedDirectChats(db, w1PairsUsers);
    const [w3Chat] = await seedDirectChats(db, [[w3a, w3b]]);
    if (!w3Chat) throw new Error('no W3 chat');
    const roomsOf = new Map<number, string[]>();
    for (const u of users) roomsOf.set(u.index, [GLOBAL_CHAT]);
    w1PairsUsers.forEach(([a, b], k) => {
      roomsOf.get(a.index)?.push(w1Chats[k] as string);
      roomsOf.get(b.index)?.push(w1Chats[k] as string);
    });
    roomsOf.get(w3a.index)?.push(w3Chat);
    roomsOf.get(w3b.index)?.push(w3Chat);
    log(`seeded ${users.length} users, ${w1Chats.length + 1} direct chats`);
    const history = await seedHistory(db, w3Chat, [w3a.id, w3b.id], scale.w3Messages);
    log(
      `seeded ${history.rows} history rows with COPY in ${Math.round(history.ms)} ms` +
        (history.fkChecksSkipped ? ' (FK triggers skipped for the seeding session)' : ''),
    );

    const b = new Bench(
      scale,
      apiRun.api.baseUrl,
      apiPid,
      relayUrl,
      relay,
      generator,
      inspector,
      db,
      dbName,
      users,
      roomsOf,
    );
    const pairs: DmPair[] = w1Chats.map((chatId, k) => ({ chatId, a: 2 * k, b: 2 * k + 1 }));

    // --- Memory and W5 first, while the API and the relay are fresh processes: RSS grown by
    // earlier workloads is not returned to the OS and would hide the sockets' own memory. -------
    const w5 = {} as { api: W5Side; relay: W5Side };
    const w5Users = bench.slice(0, scale.w5Sockets);
    for (const target of ['api', 'relay'] as const) {
      log(`W5 reconnect storm and memory: ${target}`);
      const pid = target === 'api' ? apiPid : relay.pid;
      await sleep(500);
      const beforeKiB = await b.rss(target);
      const connect: ConnectResult = await b.connect(`w5-${target}`, target, w5Users, 128);
      await sleep(1000);
      const afterKiB = await b.rss(target);
      await b.connect(`w5s-${target}`, target, [sender]);
      const memory = {
        sockets: w5Users.length,
        beforeKiB,
        afterKiB,
        perSocketKiB: (afterKiB - beforeKiB) / w5Users.length,
      };
      log(
        `  RSS ${beforeKiB} → ${afterKiB} KiB: ${memory.perSocketKiB.toFixed(1)} KiB per socket (pid ${pid})`,
      );
      const storm = await b.measure(`w5-${target}`, target, () =>
        generator.call(
          'storm',
          {
            pool: `w5-${target}`,
            senderPool: `w5s-${target}`,
            chatId: GLOBAL_CHAT,
            rate: scale.w5Rate,
            leadMs: 1000,
            tailMs: 1000,
            concurrency: scale.w5Concurrency,
            timeoutMs: 120_000,
            historyLimit: 100,
            phase: b.nextPhase(),
          },
          200_000,
        ),
      );
      const s = storm.result;
      log(
        `  ${s.back}/${s.sockets} back in ${Math.round(s.allBackMs)} ms, lost ${s.lost}, caught up ${s.caughtUp}, ` +
          `presence frames ${s.frames.presence}, lost where ${JSON.stringify(s.lostWhere)}` +
          (s.reconnectErrors.length ? `, errors: ${s.reconnectErrors.join('; ')}` : ''),
      );
      await b.disconnect(`w5-${target}`);
      await b.disconnect(`w5s-${target}`);
      w5[target] = { connect, storm, memory };
    }

    // --- W1 ---------------------------------------------------------------------------------------
    log('raw node-pg writes on the same database (API idle)');
    const writers = w1PairsUsers.flatMap(([a, bb], k) => [
      { chatId: w1Chats[k] as string, senderId: a.id },
      { chatId: w1Chats[k] as string, senderId: bb.id },
    ]);
    const pgInsert = await b.measure('raw-pg-insert', 'none', () =>
      generator.call('pg', {
        url: dbUrl,
        kind: 'insert',
        concurrency: 20,
        warmupMs: scale.warmupMs,
        durationMs: scale.pgMs,
        writers,
        batchSize: 1,
        keyset: null,
      }),
    );
    const batchSize = 100;
    const pgBatch = await b.measure('raw-pg-batch', 'none', () =>
      generator.call('pg', {
        url: dbUrl,
        kind: 'batch',
        concurrency: 4,
        warmupMs: scale.warmupMs,
        durationMs: scale.pgMs,
        writers,
        batchSize,
        keyset: null,
      }),
    );

    const w1 = {} as { api: W1Side; relay: W1Side };
    for (const target of ['api', 'relay'] as const) {
      log(`W1 direct messages: ${target}`);
      const pool = `w1-${target}`;
      const connect = await b.connect(pool, target, w1Users);
      const open: W1Side['open'] = [];
      for (const rate of scale.w1Rates) {
        const rowsBefore = target === 'api' ? await countRows(db, w1Chats) : 0;
        const measured = await b.measure(`w1-${target}-${rate}`, target, () =>
          generator.call('w1Open', {
            pool,
            pairs,
            rate,
            durationMs: scale.w1OpenMs,
            drainMs: scale.w1DrainMs,
            phase: b.nextPhase(),
          }),
        );
        const rowsStored =
          target === 'api' ? (await countRows(db, w1Chats)) - rowsBefore : undefined;
        const r = measured.result;
        log(
          `  ${rate}/s: acked ${r.acked}/${r.sent}, delivered ${r.delivered}, deliver p50 ${r.deliver.p50} p99 ${r.deliver.p99} ms, ack p99 ${r.ack.p99} ms` +
            (rowsStored !== undefined ? `, rows ${rowsStored}` : ''),
        );
        open.push({ ...measured, rowsStored });
      }
      const closed = await b.measure(`w1-${target}-closed`, target, () =>
        generator.call('w1Closed', {
          pool,
          pairs,
          window: scale.w1Window,
          warmupMs: scale.warmupMs,
          durationMs: scale.w1ClosedMs,
          phase: b.nextPhase(),
        }),
      );
      log(`  closed loop: ${Math.round(closed.result.throughput)} msg/s`);
      await b.disconnect(pool);
      w1[target] = { connect, open, closed };
    }

    // --- W2 ---------------------------------------------------------------------------------------
    const w2 = {} as { api: W2Side; relay: W2Side };
    const w2Users = bench.slice(0, scale.w2Members);
    for (const target of ['api', 'relay'] as const) {
      log(`W2 fan-out in all: ${target}`);
      const pool = `w2-${target}`;
      const connect = await b.connect(pool, target, w2Users);
      const steps: W2Side['steps'] = [];
      const step = async (rate: number) => {
        const measured = await b.measure(`w2-${target}-${rate}`, target, () =>
          generator.call('w2Step', {
            pool,
            chatId: GLOBAL_CHAT,
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
        log(
          `  ${rate} msg/s × ${r.members}: ${pass ? 'pass' : 'FAIL'} — p99 ${r.latency.p99} ms, ` +
            `${r.complete}/${r.acked} complete, ${r.deliveries}/${r.expected} deliveries` +
            (r.aborted ? ', aborted (backlog)' : ''),
        );
        steps.push({ ...measured, pass });
        if (!pass) await sleep(1500);
        return pass;
      };
      let rate = scale.w2StartRate;
      let lastPass = 0;
      let firstFail = 0;
      for (let i = 0; i < scale.w2MaxSteps; i++) {
        if (await step(rate)) {
          lastPass = rate;
          rate *= 2;
        } else {
          firstFail = rate;
          break;
        }
      }
      if (lastPass && firstFail) await step(Math.round(Math.sqrt(lastPass * firstFail)));
      await b.disconnect(pool);
      const passing = steps.filter((s) => s.pass);
      const best = passing.sort((x, y) => y.result.rate - x.result.rate)[0] ?? null;
      w2[target] = { connect, steps, best };
    }

    // --- W3 ---------------------------------------------------------------------------------------
    log('W3 history');
    const deepCursor = (
      await db.query<{ id: string }>(
        `SELECT id::text AS id FROM messages WHERE chat_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1`,
        [w3Chat, scale.w3DeepOffset],
      )
    ).rows[0]?.id;
    if (!deepCursor) throw new Error('no deep cursor');
    const keyset = (before: string | null) => ({ chatId: w3Chat, before, limit: 50 });
    const rawArgs = {
      url: dbUrl,
      kind: 'keyset' as const,
      concurrency: scale.w3Concurrency,
      warmupMs: scale.warmupMs,
      durationMs: scale.w3Ms,
      writers: [],
      batchSize: 1,
    };
    const rawFirst = await b.measure('w3-raw-first', 'none', () =>
      generator.call('pg', { ...rawArgs, keyset: keyset(null) }),
    );
    const rawDeep = await b.measure('w3-raw-deep', 'none', () =>
      generator.call('pg', { ...rawArgs, keyset: keyset(deepCursor) }),
    );
    const w3Users = Array.from({ length: scale.w3Concurrency }, (_, i) => (i % 2 ? w3b : w3a));
    await b.connect('w3', 'api', w3Users);
    const historyArgs = {
      pool: 'w3',
      chatId: w3Chat,
      limit: 50,
      warmupMs: scale.warmupMs,
      durationMs: scale.w3Ms,
    };
    const apiFirst = await b.measure('w3-api-first', 'api', () =>
      generator.call('history', { ...historyArgs, before: null }),
    );
    const apiDeep = await b.measure('w3-api-deep', 'api', () =>
      generator.call('history', { ...historyArgs, before: deepCursor }),
    );
    await b.disconnect('w3');
    for (const m of [rawFirst, rawDeep, apiFirst, apiDeep]) {
      log(
        `  ${m.label}: ${Math.round(m.result.rate)}/s, p50 ${m.result.latency.p50} p99 ${m.result.latency.p99} ms, rows ${m.result.rows}`,
      );
    }

    // --- W4 ---------------------------------------------------------------------------------------
    log('W4 sign-in');
    // The bcrypt ceiling, right before the API's logins (API idle).
    const bcryptChild = ChildRpc.start<BcryptCommands>('ceilings/bcrypt-ceiling', {
      name: 'bcrypt',
    });
    b.bcryptPid = bcryptChild.pid;
    const bcryptCeiling = await b.measure('ceiling-bcrypt', 'none', () =>
      bcryptChild.call('run', {
        hash,
        password: PASSWORD,
        concurrency: scale.w4Concurrency,
        warmupMs: scale.warmupMs,
        durationMs: scale.bcryptMs,
      }),
    );
    await bcryptChild.stop();
    b.bcryptPid = null;
    await b.connect('probe', 'api', [bench[0] as BenchUser]);
    const idleMs = 1000;
    const loopDelayTimer = setTimeout(
      () => void inspector.startLoopDelay().catch(() => undefined),
      idleMs + scale.warmupMs,
    );
    const w4Api = await b.measure('w4-api', 'api', () =>
      generator.call('logins', {
        baseUrl: apiRun.api.baseUrl,
        logins: bench.slice(0, 64).map((u) => u.login),
        password: PASSWORD,
        concurrency: scale.w4Concurrency,
        warmupMs: scale.warmupMs,
        durationMs: scale.w4Ms,
        probePool: 'probe',
        probeIntervalMs: 10,
        idleMs,
      }),
    );
    clearTimeout(loopDelayTimer);
    const rawDelay = await inspector.readLoopDelay();
    const loopDelay = {
      p50: Math.max(0, round(rawDelay.p50 - 1, 3)),
      p99: Math.max(0, round(rawDelay.p99 - 1, 3)),
      max: Math.max(0, round(rawDelay.max - 1, 3)),
      mean: Math.max(0, round(rawDelay.mean - 1, 3)),
    };
    await b.disconnect('probe');
    log(
      `  ${Math.round(w4Api.result.rate)} logins/s (bcrypt ceiling ${Math.round(bcryptCeiling.result.rate)}/s), ` +
        `loop delay p99 ${loopDelay.p99} ms, probe p99 idle ${w4Api.result.probeIdle.p99} / load ${w4Api.result.probeLoad.p99} ms`,
    );

    // --- Report -------------------------------------------------------------------------------------
    const pgVersion =
      (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]?.v ??
      '?';
    const results: BenchResults = {
      meta: {
        mode: options.smoke ? 'smoke' : 'full',
        date: new Date().toISOString(),
        durationMs: performance.now() - started,
        cores: CORES,
        cpuModel: cpuModel(),
        memoryGiB: round(totalmem() / 2 ** 30, 1),
        kernel: release(),
        node: process.version,
        postgres: pgVersion,
        postgresSource,
        gitCommit: gitCommit(),
        apiBuild: 'dist/apps/api/main.js (production build), NODE_ENV=production',
        otherLoadCores: b.otherLoad.seconds ? b.otherLoad.cores / b.otherLoad.seconds : 0,
        notes: [],
      },
      seed: {
        users: users.length,
        historyRows: history.rows,
        historyMs: Math.round(history.ms),
        fkChecksSkipped: history.fkChecksSkipped,
      },
      ceilings: { bcrypt: bcryptCeiling, pgInsert, pgBatch: { ...pgBatch, batchSize } },
      w1,
      w2,
      w3: { deepCursor, rawFirst, rawDeep, apiFirst, apiDeep },
      w4: { api: w4Api, loopDelay },
      w5,
      rows: [],
    };
    results.rows = summaryRows(results);
    console.log(`\n${renderTable(results)}\n`);
    mkdirSync(resolve(options.markdown, '..'), { recursive: true });
    mkdirSync(resolve(options.json, '..'), { recursive: true });
    writeFileSync(options.markdown, renderMarkdown(results));
    writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
    log(`wrote ${options.markdown} and ${options.json}; CPU profiles in ${PROFILE_DIR}`);
  } finally {
    await cleanUp();
  }
}

function w2Pass(r: W2StepResult): boolean {
  return (
    !r.aborted &&
    r.acked === r.sent &&
    r.complete === r.acked &&
    r.deliveries === r.expected &&
    r.latency.p99 < 250
  );
}

async function countRows(db: Client, chatIds: string[]): Promise<number> {
  const result = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM messages WHERE chat_id = ANY($1)`,
    [chatIds],
  );
  return Number(result.rows[0]?.n ?? 0);
}

/** The API's embedded PostgreSQL (no local server): its port is in the API's log. */
function embeddedUrl(output: string): string {
  const match = /Embedded PostgreSQL on port (\d+)/.exec(output);
  if (!match) throw new Error('no local PostgreSQL and no embedded port in the API output');
  return `postgres://postgres:postgres@127.0.0.1:${match[1]}/chat`;
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: WORKSPACE_ROOT });
    const dirty = execFileSync('git', ['status', '--porcelain', 'apps/api', 'libs'], {
      cwd: WORKSPACE_ROOT,
    });
    return `${head.toString().trim()}${dirty.length ? ' (apps/api or libs modified)' : ''}`;
  } catch {
    return 'unknown';
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
