import type { W6Result } from './organization';
import type { UploadResults } from './uploads';
import type { ProfileSummary } from './profile';
import type { CpuUse } from './proc';
import type { Summary } from './stats';
import type {
  ConnectResult,
  LoginResult,
  RateResult,
  StormResult,
  W1ChangesResult,
  W1ClosedResult,
  W1OpenResult,
  W2StepResult,
} from './protocol';

/** One measurement: the generator's figures, the CPU of every process meanwhile, flags. */
export interface Measured<T> {
  label: string;
  result: T;
  cpu: CpuUse;
  /** generator-bound, machine-bound, noisy: see report.ts. */
  flags: string[];
  profile?: ProfileSummary;
}

export type Target = 'api' | 'relay';

export interface W1Side {
  connect: ConnectResult;
  open: (Measured<W1OpenResult> & { rowsStored?: number })[];
  closed: Measured<W1ClosedResult>;
  /** Edits and reaction changes, open loop (the API only: the relay has no such events). */
  changes?: Measured<W1ChangesResult>;
}

export interface W2Search {
  steps: (Measured<W2StepResult> & { pass: boolean })[];
  best: (Measured<W2StepResult> & { pass: boolean }) | null;
  /** False when even the highest rate tried passed: the figure is then a floor. */
  ceilingReached: boolean;
}

export interface W2Side extends W2Search {
  connect: ConnectResult;
  /**
   * The API only: the same connected members in a group of theirs (created through the API,
   * at most MAX_GROUP_MEMBERS), the same rate search. Absent in runs saved before it existed.
   */
  group?: W2Search & { chatId: string; members: number; createMs: number };
}

export interface W5Side {
  connect: ConnectResult;
  storm: Measured<StormResult>;
  memory: { sockets: number; beforeKiB: number; afterKiB: number; perSocketKiB: number };
}

/** A closed loop of HTTP GETs (W7). */
export interface HttpRunResult {
  rate: number;
  latency: Summary;
  requests: number;
  errors: number;
  /** Average hits (search) or messages (history) per answer. */
  rows: number;
}

export interface W7Results {
  /** Messages seeded for search (on top of the other workloads'). */
  rows: number;
  seedMs: number;
  indexMs: number;
  /** The searcher's chats: `all` and its direct chats. */
  chats: number;
  concurrency: number;
  kinds: { kind: string; queries: string[]; measured: Measured<HttpRunResult> }[];
  firstPage: Measured<HttpRunResult>;
  around: Measured<HttpRunResult>;
  /**
   * Inserted rows/s with and without the search column and index: one message per statement
   * (and commit), and `batched` with 10.
   */
  write: {
    withIndex: number;
    without: number;
    batch: number;
    prefill: number;
    batched: { withIndex: number; without: number; batch: number };
  };
  plans: { title: string; plan: string }[];
}

export interface Row {
  workload: string;
  metric: string;
  api: number | null;
  baseline: number | null;
  baselineName: string;
  unit: string;
  /** API ÷ baseline (for latencies and memory too: lower is better there). */
  ratio: number | null;
  target: string;
  met: boolean | null;
  /** Shown instead of the figures when they alone would mislead (e.g. "> 35 s, 1,053/1,179 back"). */
  apiText?: string;
  baselineText?: string;
}

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface BenchResults {
  meta: {
    mode: 'full' | 'smoke';
    /** Workloads run (all unless --only). */
    workloads: string[];
    date: string;
    durationMs: number;
    cores: number;
    cpuModel: string;
    memoryGiB: number;
    kernel: string;
    node: string;
    postgres: string;
    postgresSource: string;
    gitCommit: string;
    apiBuild: string;
    /** Settings of the PostgreSQL server that matter here (fsync, synchronous_commit, ...). */
    postgresSettings: string;
    /** Average cores used by processes outside the benchmark during the measurements. */
    otherLoadCores: number;
  };
  seed: { users: number; historyRows: number; historyMs: number; fkChecksSkipped: boolean };
  w1?: {
    api: W1Side;
    relay: W1Side;
    pgInsert: Measured<RateResult>;
    pgBatch: Measured<RateResult> & { batchSize: number };
    /** EXPLAIN ANALYZE of the API's batch statement for one batch (rolled back). */
    insertPlan?: { messages: number; plan: string };
  };
  w2?: { api: W2Side; relay: W2Side };
  w3?: {
    deepCursor: string;
    /** How many newer messages of the chat the deep cursor skips. */
    deepOffset: number;
    rawFirst: Measured<RateResult>;
    rawDeep: Measured<RateResult>;
    /** The first page with the query as first written (primary-key order), for comparison. */
    rawFirstPkOrder: Measured<RateResult>;
    apiFirst: Measured<RateResult>;
    apiDeep: Measured<RateResult>;
    /** EXPLAIN ANALYZE of the API's history query on the run's data. */
    plans: { title: string; plan: string }[];
  };
  w4?: {
    api: Measured<LoginResult>;
    bcrypt: Measured<RateResult>;
    /** monitorEventLoopDelay inside the API during the logins, minus its 1 ms timer period. */
    loopDelay: LoopDelay;
    /** The same histogram while the bcrypt ceiling ran in its own process (the API idle). */
    loopDelayIdleApi: LoopDelay;
    concurrency: number;
  };
  w5?: { api: W5Side; relay: W5Side; /** Sockets asked for. */ requested: number };
  w7?: W7Results;
  /** W6 organization: on an API and a database of its own. */
  w6?: W6Result;
  /** W8 attachment uploads: on an API of its own. */
  w8?: UploadResults;
  rows: Row[];
}
