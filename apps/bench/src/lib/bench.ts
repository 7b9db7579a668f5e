import { WORKSPACE_ROOT } from '@chat/test-harness';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import type { Inspector } from './inspector';
import { CORES, cpuSnapshot, cpuUse, rssKiB, type CpuUse } from './proc';
import { summarizeProfile } from './profile';
import type { ClientSpec, DmPair, GeneratorCommands, RelayCommands } from './protocol';
import type { Measured, Target } from './results';
import type { ChildRpc } from './rpc';
import type { Scale } from './scale';
import { GLOBAL_CHAT, type BenchUser } from './seed';
import { round, sleep } from './stats';

export const PROFILE_DIR = join(WORKSPACE_ROOT, 'dist/bench/profiles');
export const PROFILE_INTERVAL_US = 4000;

const started = performance.now();
export const log = (message: string) =>
  console.log(
    `[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`,
  );
export const elapsedMs = () => performance.now() - started;

/** What seeding made. */
export interface Seeded {
  users: BenchUser[];
  /** The users that hold sockets (W5 connects them all; W1 and W2 the first ones). */
  bench: BenchUser[];
  /** Sends in W5, holds no other socket. */
  sender: BenchUser;
  w1Users: BenchUser[];
  w1Chats: string[];
  /** W1's direct chats as indexes into a pool of w1Users. */
  pairs: DmPair[];
  /** One member of each W1 chat per entry, both sides: raw node-pg writes as them. */
  writers: { chatId: string; senderId: string }[];
  w3Chat: string;
  w3Users: [BenchUser, BenchUser];
  /** bcrypt (cost 10) of PASSWORD: the seeded users' hash, and the bcrypt ceiling's. */
  passwordHash: string;
  roomsOf: Map<number, string[]>;
  history: { rows: number; ms: number; fkChecksSkipped: boolean };
  /** Registered through the API with PASSWORD: W4 signs them in. */
  loginUsers: string[];
}

export interface Processes {
  apiUrl: string;
  apiPid: number;
  relayUrl: string;
  relay: ChildRpc<RelayCommands>;
  generator: ChildRpc<GeneratorCommands>;
  inspector: Inspector;
  db: Client;
  dbUrl: string;
  dbName: string;
}

/** Everything one run holds, and the measuring. */
export class Bench {
  private phase = 0;
  private other = { coreSeconds: 0, seconds: 0 };
  /** A child whose CPU counts as `bcrypt` while it runs. */
  bcryptPid: number | null = null;

  constructor(
    readonly scale: Scale,
    readonly p: Processes,
    readonly seeded: Seeded,
  ) {}

  get generator() {
    return this.p.generator;
  }

  /** Average cores used by other work on the machine during the measurements. */
  get otherLoadCores(): number {
    return this.other.seconds ? this.other.coreSeconds / this.other.seconds : 0;
  }

  nextPhase(): number {
    return ++this.phase;
  }

  private async pgPids(): Promise<number[]> {
    const rows = await this.p.db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = $1 OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
      [this.p.dbName],
    );
    return rows.rows.map((r) => r.pid);
  }

  private async snapshot() {
    return cpuSnapshot({
      api: [this.p.apiPid],
      postgres: await this.pgPids(),
      relay: [this.p.relay.pid],
      generator: [this.p.generator.pid],
      bcrypt: this.bcryptPid ? [this.bcryptPid] : [],
      harness: [process.pid],
    });
  }

  /** One measurement with CPU accounting, and a CPU profile of the API when it is the target. */
  async measure<T>(
    label: string,
    target: Target | 'none',
    run: () => Promise<T>,
  ): Promise<Measured<T>> {
    const profiling = target === 'api' && !process.env['BENCH_NO_PROFILE'];
    // Every 4 ms: at 1 ms the sampling itself cost the API about a tenth of its throughput.
    if (profiling) await this.p.inspector.startProfile(PROFILE_INTERVAL_US);
    const before = await this.snapshot();
    const result = await run();
    const after = await this.snapshot();
    const cpu = cpuUse(before, after);
    const measured: Measured<T> = { label, result, cpu, flags: flagsOf(cpu, target) };
    if (profiling) {
      const profile = await this.p.inspector.stopProfile();
      mkdirSync(PROFILE_DIR, { recursive: true });
      writeFileSync(join(PROFILE_DIR, `${label}.cpuprofile`), JSON.stringify(profile));
      measured.profile = summarizeProfile(profile);
    }
    this.other.coreSeconds += cpu.other * cpu.seconds;
    this.other.seconds += cpu.seconds;
    const flags = measured.flags.length ? ` [${measured.flags.join(', ')}]` : '';
    log(`  ${label}: ${describeCpu(cpu)}${flags}`);
    return measured;
  }

  urlOf(target: Target): string {
    return target === 'api' ? this.p.apiUrl : this.p.relayUrl;
  }

  /** The handshake each target expects: the API a token, the relay who and which rooms. */
  clientSpec(target: Target, user: BenchUser): ClientSpec {
    // Batched presence, as the web app asks for (README, contract additions).
    if (target === 'api') {
      return { user: user.index, auth: { token: user.token, presence: 'batched' } };
    }
    return {
      user: user.index,
      auth: {
        userId: user.id,
        login: user.login,
        fullName: user.fullName,
        rooms: this.seeded.roomsOf.get(user.index) ?? [GLOBAL_CHAT],
      },
    };
  }

  /**
   * Connects a pool. `required`: every socket must connect (else the run stops); otherwise
   * the pool goes on with those that did by the deadline.
   */
  async connect(
    pool: string,
    target: Target,
    users: BenchUser[],
    options: { concurrency?: number; deadlineMs?: number; required?: boolean } = {},
  ) {
    const deadlineMs = options.deadlineMs ?? 60_000;
    const result = await this.generator.call(
      'connect',
      {
        pool,
        baseUrl: this.urlOf(target),
        clients: users.map((u) => this.clientSpec(target, u)),
        concurrency: options.concurrency ?? 64,
        timeoutMs: 30_000,
        deadlineMs,
      },
      deadlineMs + 60_000,
    );
    log(
      `  ${pool}: ${result.connected}/${users.length} sockets in ${Math.round(result.wallMs)} ms` +
        ` (presence frames received: ${result.frames.presence})` +
        (result.failed ? `; failed: ${JSON.stringify(result.errors)}` : ''),
    );
    if (result.connected === 0 || (result.failed > 0 && (options.required ?? true))) {
      const hint =
        target === 'api' && Object.keys(result.errors).some((e) => e.includes('unauthorized'))
          ? ' (if every socket is refused, the API no longer accepts the seeded tokens: see ' +
            'apps/bench/src/lib/seed.ts)'
          : '';
      throw new Error(
        `${pool}: ${result.failed} sockets failed: ${JSON.stringify(result.errors)}${hint}`,
      );
    }
    return result;
  }

  async disconnect(pool: string): Promise<void> {
    await this.generator.call('disconnect', { pool });
  }

  /**
   * A full GC in both servers between workloads, so that the garbage one workload leaves (W5's
   * 2,000 sockets, say) is not collected in the middle of the next one's measurements: left
   * alone, that mark-compact pause was the API's W1 p99.
   */
  async collectGarbage(): Promise<void> {
    await Promise.all([this.rss('api'), this.rss('relay')]);
  }

  /** RSS after a full GC (through the inspector for the API, --expose-gc for the relay). */
  async rss(target: Target): Promise<number> {
    if (target === 'relay') return (await this.p.relay.call('gc', {})).rssKiB;
    await this.p.inspector.collectGarbage();
    await sleep(200);
    await this.p.inspector.collectGarbage();
    return rssKiB(this.p.apiPid);
  }
}

function flagsOf(cpu: CpuUse, target: Target | 'none'): string[] {
  const flags: string[] = [];
  if ((cpu.cores['generator'] ?? 0) >= 0.9) flags.push('generator-bound');
  if (cpu.machine >= CORES * 0.95) flags.push('machine-bound');
  if (cpu.other >= 0.25) flags.push(`noisy (${round(cpu.other, 2)} cores of other work)`);
  if (target !== 'none' && (cpu.cores[target] ?? 0) >= 0.9) flags.push(`${target} ≥ 0.9 core`);
  return flags;
}

function describeCpu(cpu: CpuUse): string {
  const parts = Object.entries(cpu.cores)
    .filter(([, v]) => v >= 0.01)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`);
  return `cores: ${parts.join(', ')}, other ${cpu.other.toFixed(2)} (${cpu.seconds.toFixed(1)} s)`;
}
