import {
  API_ENTRY,
  LocalPostgres,
  WORKSPACE_ROOT,
  freePort,
  startTestApi,
} from '@chat/test-harness';
import * as bcrypt from 'bcrypt';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import * as prettier from 'prettier';
import * as ts from 'typescript';
import { Bench, elapsedMs, log, PROFILE_DIR, PROFILE_INTERVAL_US, type Seeded } from './lib/bench';
import { Inspector } from './lib/inspector';
import { CORES, cpuModel, openFilesLimit } from './lib/proc';
import type { DmPair, GeneratorCommands, RelayCommands } from './lib/protocol';
import { renderMarkdown, renderTable, summaryRows, withHandWritten } from './lib/report';
import type { BenchResults } from './lib/results';
import { ChildRpc } from './lib/rpc';
import { FULL, SMOKE, type Scale } from './lib/scale';
import {
  GLOBAL_CHAT,
  seedDirectChats,
  seedHistory,
  seedUsers,
  tokenTemplate,
  type BenchUser,
} from './lib/seed';
import { round } from './lib/stats';
import { runW6 } from './lib/organization';
import { runW7 } from './lib/w7';
import { runW8, UPLOADS_FULL, UPLOADS_SMOKE } from './lib/uploads';
import { PASSWORD, runW1, runW2, runW3, runW4, runW5 } from './lib/workloads';

const WORKLOADS = ['w5', 'w1', 'w2', 'w3', 'w4', 'w6', 'w7', 'w8'] as const;
type Workload = (typeof WORKLOADS)[number];

interface Options {
  /** Re-render the report of a saved JSON instead of running. */
  render: string | null;
  smoke: boolean;
  only: Workload[];
  markdown: string;
  json: string;
}

const USAGE = `npm run bench [-- options]   (nx run bench:run; apps/bench/bench.sh)
  --smoke            every workload for a second or two at small sizes; writes
                     dist/bench/benchmarks-smoke.{md,json} instead of docs/benchmarks.{md,json}
  --only=w1,w3       only these workloads (w1..w8; memory comes with w5; w6 runs an API of its own;
                     w7 seeds its search corpus last, on top of the others' rows; w8 uploads
                     attachments to an API of its own)
  --out=FILE.md      where to write the report (default docs/benchmarks.md)
  --json=FILE.json   where to write the figures (default docs/benchmarks.json)
  --render=FILE.json rewrite the report of a saved run (to --out, default next to the JSON)
environment: BENCH_NO_PROFILE=1 measures without CPU-profiling the API`;

function parseOptions(argv: string[]): Options {
  if (argv.includes('--help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const known = ['--smoke', '--only=', '--out=', '--json=', '--render='];
  const unknown = argv.filter(
    (a) => !known.some((k) => a === k || (k.endsWith('=') && a.startsWith(k))),
  );
  if (unknown.length) throw new Error(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  const smoke = argv.includes('--smoke');
  const value = (name: string) =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = (value('only') ?? WORKLOADS.join(',')).split(',').map((w) => w.trim().toLowerCase());
  const bad = only.filter((w) => !(WORKLOADS as readonly string[]).includes(w));
  if (bad.length) throw new Error(`--only: unknown workload ${bad.join(', ')}`);
  const partial = only.length < WORKLOADS.length;
  const outDir = join(WORKSPACE_ROOT, smoke || partial ? 'dist/bench' : 'docs');
  const stem = smoke ? 'benchmarks-smoke' : partial ? 'benchmarks-partial' : 'benchmarks';
  const md = value('out');
  const json = value('json');
  const render = value('render');
  return {
    render: render ? resolve(render) : null,
    smoke,
    only: WORKLOADS.filter((w) => only.includes(w)),
    markdown: md
      ? resolve(md)
      : render
        ? resolve(render).replace(/\.json$/, '.md')
        : join(outDir, `${stem}.md`),
    json: json ? resolve(json) : join(outDir, `${stem}.json`),
  };
}

/**
 * The relay runs as plain JavaScript, as the API does (its bundle), so that neither carries
 * a TypeScript compiler in its heap: transpiled here into dist/bench/relay.
 */
function compileRelay(): string {
  const outDir = join(WORKSPACE_ROOT, 'dist/bench/relay');
  for (const file of ['relay/relay.ts', 'lib/rpc.ts']) {
    const source = readFileSync(join(__dirname, file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
      fileName: file,
    });
    const out = join(outDir, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return join(outDir, 'relay/relay.js');
}

/**
 * W4's users register through the API, so that their password hashes are whatever the API
 * makes (cost, pre-hashing); everyone else is written straight to the database.
 */
async function registerLoginUsers(
  apiUrl: string,
  count: number,
): Promise<{ logins: string[]; token: string }> {
  const logins = Array.from({ length: count }, (_, i) => `signin_${i}`);
  const tokens = await Promise.all(
    logins.map(async (login) => {
      const response = await fetch(`${apiUrl}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login, fullName: `Sign-in ${login}`, password: PASSWORD }),
      });
      const body = await response.text();
      if (response.status !== 201 && response.status !== 200) {
        throw new Error(`registering ${login}: HTTP ${response.status} ${body}`);
      }
      return (JSON.parse(body) as { accessToken: string }).accessToken;
    }),
  );
  const [token] = tokens;
  if (!token) throw new Error('no login users');
  return { logins, token };
}

async function seed(
  db: Client,
  dbUrl: string,
  apiUrl: string,
  scale: Scale,
  jwtSecret: string,
): Promise<Seeded> {
  const passwordHash = await bcrypt.hash(PASSWORD, 10);
  const registered = await registerLoginUsers(apiUrl, scale.w4Concurrency);
  const users = await seedUsers(
    db,
    scale.users + 3,
    passwordHash,
    jwtSecret,
    tokenTemplate(registered.token),
  );
  const bench = users.slice(0, scale.users);
  const at = (i: number) => {
    const user = users[i];
    if (!user) throw new Error(`no user ${i}`);
    return user;
  };
  const w1Users = bench.slice(0, scale.w1Pairs * 2);
  const w1Pairs = Array.from(
    { length: scale.w1Pairs },
    (_, k) => [at(2 * k), at(2 * k + 1)] as [BenchUser, BenchUser],
  );
  const w1Chats = await seedDirectChats(db, w1Pairs);
  const w3Users: [BenchUser, BenchUser] = [at(scale.users + 1), at(scale.users + 2)];
  const [w3Chat] = await seedDirectChats(db, [w3Users]);
  if (!w3Chat) throw new Error('no W3 chat');
  const roomsOf = new Map<number, string[]>();
  for (const u of users) roomsOf.set(u.index, [GLOBAL_CHAT]);
  w1Pairs.forEach(([a, b], k) => {
    roomsOf.get(a.index)?.push(w1Chats[k] as string);
    roomsOf.get(b.index)?.push(w1Chats[k] as string);
  });
  for (const u of w3Users) roomsOf.get(u.index)?.push(w3Chat);
  log(`seeded ${users.length} users (all in \`all\`), ${w1Chats.length + 1} direct chats`);
  const history = await seedHistory(
    dbUrl,
    w3Chat,
    [w3Users[0].id, w3Users[1].id],
    scale.w3Messages,
  );
  log(
    `seeded ${history.rows} history rows with COPY in ${Math.round(history.ms)} ms` +
      (history.fkChecksSkipped ? ' (FK triggers skipped for that session)' : ''),
  );
  const pairs: DmPair[] = w1Chats.map((chatId, k) => ({ chatId, a: 2 * k, b: 2 * k + 1 }));
  const writers = w1Pairs.flatMap(([a, b], k) => [
    { chatId: w1Chats[k] as string, senderId: a.id },
    { chatId: w1Chats[k] as string, senderId: b.id },
  ]);
  return {
    users,
    bench,
    sender: at(scale.users),
    w1Users,
    w1Chats,
    pairs,
    writers,
    w3Chat,
    w3Users,
    passwordHash,
    roomsOf,
    history,
    loginUsers: registered.logins,
  };
}

/**
 * Writes the markdown report, formatted as `prettier --check .` (CI's lint) expects it, keeping
 * the hand-written part at the end of the file it replaces.
 */
async function writeReport(results: BenchResults, file: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : null;
  const config = (await prettier.resolveConfig(file)) ?? {};
  const text = withHandWritten(renderMarkdown(results), previous);
  writeFileSync(file, await prettier.format(text, { ...config, filepath: file }));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.render) {
    const results = JSON.parse(readFileSync(options.render, 'utf8')) as BenchResults;
    results.rows = summaryRows(results);
    console.log(`\n${renderTable(results)}\n`);
    await writeReport(results, options.markdown);
    log(`wrote ${options.markdown}`);
    return;
  }
  const scale = options.smoke ? SMOKE : FULL;
  // W7 seeds its own corpus (5,000,000 messages in a full run): its time comes on top.
  const budgetMs = scale.budgetMs + (options.only.includes('w7') ? scale.w7BudgetMs : 0);
  const budget = setTimeout(() => {
    console.error(`bench: over its budget of ${budgetMs / 1000} s; giving up`);
    process.exit(3);
  }, budgetMs);
  budget.unref();
  const filesNeeded = scale.users * 2 + 500;
  if (openFilesLimit() < filesNeeded) {
    throw new Error(
      `the open-files limit (${openFilesLimit()}) is below the ${filesNeeded} this run needs: ` +
        'run through apps/bench/bench.sh (it raises the soft limit to the hard one)',
    );
  }
  log(
    `${options.smoke ? 'smoke' : 'full'} run of ${options.only.join(', ')}; ${CORES} cores, node ${process.version}`,
  );

  const apiBuiltAt = statSync(API_ENTRY).mtime.toISOString();
  // The API (production build) on a fresh database, with its inspector on a loopback port.
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
      RATE_LIMIT_REGISTER: '1000000',
      BCRYPT_COST: '10',
      NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`,
    },
  });
  const cleanups: (() => Promise<unknown>)[] = [() => apiRun.cleanUp()];
  let cleaning: Promise<void> | null = null;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      for (const step of cleanups.reverse()) {
        await step().catch((error: unknown) => log(`clean-up: ${String(error)}`));
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void cleanUp().then(() => process.exit(130));
    });
  }
  apiRun.api.onUnexpectedExit = (description) => {
    console.error(`bench: ${description}`);
    void cleanUp().then(() => process.exit(1));
  };
  try {
    const apiPid = apiRun.api.pid;
    if (!apiPid) throw new Error('the API has no pid');
    const dbUrl = apiRun.database?.url ?? embeddedUrl(apiRun.api.output());
    const dbName = apiRun.database?.name ?? 'chat';
    const postgresSource = apiRun.database
      ? `local server ${new URL(localServer?.adminUrl ?? dbUrl).host}, fresh database`
      : 'the embedded PostgreSQL the API starts when no local server answers';
    log(`API ${apiRun.api.baseUrl} (pid ${apiPid}) on ${postgresSource}`);

    const relay = ChildRpc.startJs<RelayCommands>(compileRelay(), {
      name: 'relay',
      execArgv: ['--expose-gc'],
    });
    cleanups.push(() => relay.stop());
    const generator = ChildRpc.start<GeneratorCommands>('load/generator', { name: 'generator' });
    cleanups.push(() => generator.stop());
    const relayUrl = `http://127.0.0.1:${(await relay.call('port', {})).port}`;
    log(`relay ${relayUrl} (pid ${relay.pid}); load generator pid ${generator.pid}`);
    const inspector = await Inspector.connect(inspectPort);
    cleanups.push(async () => inspector.close());
    const db = new Client({ connectionString: dbUrl });
    await db.connect();
    cleanups.push(() => db.end());

    const seeded = await seed(db, dbUrl, apiRun.api.baseUrl, scale, jwtSecret);
    const b = new Bench(
      scale,
      {
        apiUrl: apiRun.api.baseUrl,
        apiPid,
        relayUrl,
        relay,
        generator,
        inspector,
        db,
        dbUrl,
        dbName,
      },
      seeded,
    );
    const want = (w: Workload) => options.only.includes(w);
    // Each workload starts with a full GC in both servers (Bench.collectGarbage).
    const run = async <T>(w: Workload, workload: (b: Bench) => Promise<T>) => {
      if (!want(w)) return undefined;
      await b.collectGarbage();
      return workload(b);
    };
    const w5 = await run('w5', runW5);
    const w1 = await run('w1', runW1);
    const w2 = await run('w2', runW2);
    const w3 = await run('w3', runW3);
    const w4 = await run('w4', runW4);
    const w6 = await run('w6', (bench) =>
      runW6(bench.scale.w6, bench.generator, (step) => cleanups.push(step)),
    );
    const w7 = await run('w7', runW7);
    const w8 = await run('w8', () => runW8(options.smoke ? UPLOADS_SMOKE : UPLOADS_FULL));

    const settings = await db.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers',
                       'commit_delay', 'max_wal_size')
        ORDER BY name`,
    );
    const postgresSettings = settings.rows
      .map((r) => `${r.name}=${r.setting}${r.unit ? ` ${r.unit}` : ''}`)
      .join(', ');
    const pgVersion =
      (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]?.v ??
      '?';
    const results: BenchResults = {
      meta: {
        mode: options.smoke ? 'smoke' : 'full',
        workloads: options.only,
        date: new Date().toISOString(),
        durationMs: elapsedMs(),
        cores: CORES,
        cpuModel: cpuModel(),
        memoryGiB: round(totalmem() / 2 ** 30, 1),
        kernel: release(),
        node: process.version,
        postgres: pgVersion,
        postgresSource,
        gitCommit: gitCommit(),
        apiBuild:
          `dist/apps/api/main.js (production build of ${apiBuiltAt}), NODE_ENV=production, ` +
          (process.env['BENCH_NO_PROFILE']
            ? 'one process, not profiled'
            : `one process, CPU-profiled every ${PROFILE_INTERVAL_US / 1000} ms through the inspector while measured`),
        postgresSettings,
        otherLoadCores: b.otherLoadCores,
      },
      seed: {
        users: seeded.users.length,
        historyRows: seeded.history.rows,
        historyMs: Math.round(seeded.history.ms),
        fkChecksSkipped: seeded.history.fkChecksSkipped,
      },
      w1,
      w2,
      w3,
      w4,
      w5,
      w6,
      w7,
      w8,
      rows: [],
    };
    results.rows = summaryRows(results);
    console.log(`\n${renderTable(results)}\n`);
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
    await writeReport(results, options.markdown);
    log(`wrote ${options.markdown} and ${options.json}; CPU profiles in ${PROFILE_DIR}`);
    const missed = results.rows.filter((r) => r.met === false).length;
    log(`${results.rows.filter((r) => r.met).length} targets met, ${missed} not met`);
    const broken = sanity(results);
    for (const problem of broken) log(`SANITY: ${problem}`);
    if (broken.length) process.exitCode = 2;
  } finally {
    await cleanUp();
  }
}

/**
 * What must hold whatever the machine: the harness measured something, and the API did not
 * lose or duplicate messages. A slow API misses targets; these mean something is broken.
 */
function sanity(r: BenchResults): string[] {
  const problems: string[] = [];
  if (r.w1) {
    for (const o of r.w1.api.open) {
      if (o.result.acked === 0) problems.push(`W1 ${o.result.rate}/s: no message acked`);
      if (o.rowsStored !== o.result.acked) {
        problems.push(
          `W1 ${o.result.rate}/s: ${o.rowsStored} rows stored for ${o.result.acked} acks`,
        );
      }
      if (o.result.delivered < o.result.acked) {
        problems.push(
          `W1 ${o.result.rate}/s: ${o.result.acked - o.result.delivered} acked messages never reached the peer`,
        );
      }
    }
  }
  const changes = r.w1?.api.changes?.result;
  if (changes) {
    // Acks still missing at the end are slowness (the report's target); a refusal is a bug.
    const refused = Object.entries(changes.errors).filter(([reason]) => reason !== 'no ack');
    if (changes.edits.acked === 0 || changes.reactions.acked === 0) {
      problems.push('W1 changes: no edit or no reaction acked');
    }
    if (refused.length) problems.push(`W1 changes refused: ${JSON.stringify(refused)}`);
  }
  if (r.w2 && !r.w2.relay.best) problems.push('W2: the relay passed no rate');
  if (r.w4 && r.w4.api.result.completed === 0) {
    problems.push(`W4: no sign-in succeeded: ${JSON.stringify(r.w4.api.result.errors)}`);
  }
  if (r.w3 && r.w3.apiFirst.result.rows !== 50)
    problems.push('W3: a history page without 50 messages');
  if (r.w5 && r.w5.api.storm.result.lost > 0) {
    problems.push(`W5: ${r.w5.api.storm.result.lost} messages lost by reconnected sockets`);
  }
  for (const k of r.w7?.kinds ?? []) {
    if (k.measured.result.errors > 0 || k.measured.result.requests === 0) {
      problems.push(
        `W7 ${k.kind}: ${k.measured.result.errors} of ${k.measured.result.requests} failed`,
      );
    }
  }
  if (r.w5 && r.w5.relay.storm.result.lost > 0)
    problems.push('W5: the relay lost messages (harness)');
  return problems;
}

/** The API's embedded PostgreSQL (no local server): its port is in the API's log. */
function embeddedUrl(output: string): string {
  const match = /Embedded PostgreSQL on port (\d+)/.exec(output);
  if (!match) throw new Error('no local PostgreSQL and no embedded port in the API output');
  return `postgres://postgres:postgres@127.0.0.1:${match[1]}/chat`;
}

function gitCommit(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: WORKSPACE_ROOT }).toString().trim();
    const dirty = git('status', '--porcelain', 'apps/api', 'libs');
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in apps/api or libs' : ''}`;
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
