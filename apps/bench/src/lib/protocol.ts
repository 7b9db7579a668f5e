import type { Summary } from './stats';

/** What the orchestrator asks the load generator (src/load/generator.ts) to do. */

export interface ClientSpec {
  /** Index of the seeded user (also written into each message it sends). */
  user: number;
  /** The Socket.IO handshake `auth`: `{ token }` for the API, `{ userId, rooms, ... }` for the relay. */
  auth: Record<string, unknown>;
}

export interface FrameCounts {
  messageNew: number;
  presence: number;
  other: number;
}

export interface ConnectArgs {
  pool: string;
  baseUrl: string;
  clients: ClientSpec[];
  /** Handshakes in flight at once. */
  concurrency: number;
  /** Per socket. */
  timeoutMs: number;
  /** For the whole pool: sockets not ready by then are given up. */
  deadlineMs: number;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  /** The users whose sockets are ready, in pool order. */
  users: number[];
  /** Failure reasons and how often. */
  errors: Record<string, number>;
  wallMs: number;
  perSocket: Summary;
  frames: FrameCounts;
}

/** A direct chat of two clients of a pool (indexes into the pool). */
export interface DmPair {
  chatId: string;
  a: number;
  b: number;
}

export interface W1OpenArgs {
  pool: string;
  pairs: DmPair[];
  rate: number;
  durationMs: number;
  drainMs: number;
  phase: number;
}

export interface W1OpenResult {
  rate: number;
  sent: number;
  acked: number;
  ackErrors: Record<string, number>;
  /** Acked messages that reached the peer. */
  delivered: number;
  /** Send → delivery to the peer, from the scheduled send time. */
  deliver: Summary;
  /** Send → ack, from the scheduled send time. */
  ack: Summary;
  /** How late the generator sent, relative to the schedule. */
  sendLag: Summary;
}

export interface W1ChangesArgs {
  pool: string;
  pairs: DmPair[];
  /** Changes per second, open loop. */
  rate: number;
  durationMs: number;
  drainMs: number;
}

export interface W1ChangesResult {
  rate: number;
  /** Edits (`message:edit`) and reaction changes (`reaction:set`, set then cleared) emitted. */
  edits: { sent: number; acked: number; ack: Summary };
  reactions: { sent: number; acked: number; ack: Summary };
  /** Failed acks and acks that never came, by reason. */
  errors: Record<string, number>;
  /** `message:updated` frames the pool received: each change reaches both members' sockets. */
  updatesHeard: number;
  sendLag: Summary;
}

export interface W1ClosedArgs {
  pool: string;
  pairs: DmPair[];
  /** Sends in flight per socket. */
  window: number;
  warmupMs: number;
  durationMs: number;
  phase: number;
}

export interface W1ClosedResult {
  throughput: number;
  acked: number;
  ackErrors: Record<string, number>;
  deliveredToPeer: number;
  ack: Summary;
}

export interface W2StepArgs {
  pool: string;
  chatId: string;
  /** The first `senders` clients of the pool send, in turn. */
  senders: number;
  rate: number;
  durationMs: number;
  maxDrainMs: number;
  /** Stop sending once a message this old has not reached every member. */
  abortLateMs: number;
  phase: number;
}

export interface W2StepResult {
  rate: number;
  sent: number;
  acked: number;
  ackErrors: Record<string, number>;
  members: number;
  deliveries: number;
  /** Acked messages times members. */
  expected: number;
  /** Acked messages that reached every member. */
  complete: number;
  latency: Summary;
  /** How late the generator sent, relative to the schedule. */
  sendLag: Summary;
  aborted: boolean;
}

export interface HistoryArgs {
  pool: string;
  chatId: string;
  before: string | null;
  limit: number;
  warmupMs: number;
  durationMs: number;
}

export interface RateResult {
  completed: number;
  errors: Record<string, number>;
  rate: number;
  latency: Summary;
  /** Rows in the first answer, as a sanity check. */
  rows?: number;
}

export type PgKind = 'insert' | 'batch' | 'keyset';

export interface PgArgs {
  url: string;
  kind: PgKind;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** insert / batch: chats with one member each to write as. */
  writers: { chatId: string; senderId: string }[];
  batchSize: number;
  keyset: {
    chatId: string;
    before: string | null;
    limit: number;
    /** The query as first written (HISTORY_SQL_PK_ORDER) instead of the API's. */
    pkOrder?: boolean;
  } | null;
}

export interface LoginArgs {
  baseUrl: string;
  logins: string[];
  password: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** A connected pool whose first socket sends the event-loop probe. */
  probePool: string;
  probeIntervalMs: number;
  idleMs: number;
}

export interface LoginResult extends RateResult {
  /** Probe round trips with the API idle and during the logins. */
  probeIdle: Summary;
  probeLoad: Summary;
}

export interface StormArgs {
  pool: string;
  senderPool: string;
  chatId: string;
  /** Messages per second sent to chatId by the sender while the storm runs. */
  rate: number;
  /** Sending before the drop, and after everyone is back. */
  leadMs: number;
  tailMs: number;
  concurrency: number;
  timeoutMs: number;
  historyLimit: number;
  phase: number;
}

export interface StormResult {
  /** Messages per second the sender sent to the chat meanwhile. */
  rate: number;
  sockets: number;
  back: number;
  /** Drop → the last socket connected, in its rooms and caught up (NaN if not all were). */
  allBackMs: number;
  /** The storm's deadline. */
  timeoutMs: number;
  perSocket: Summary;
  acked: number;
  ackErrors: Record<string, number>;
  /** (socket, acked message) pairs that a reconnected socket never saw, live or by catch-up. */
  lost: number;
  /**
   * Where the lost ones were, against the socket's cursor (the last id it had seen): below the
   * cursor at the drop (arrived out of order, or never), between that cursor and the cursor
   * after catch-up (the history should have returned it), after catch-up (live delivery
   * missed); and, not counted in `lost`, the messages of sockets not back by the deadline.
   */
  lostWhere: {
    beforeDrop: number;
    inCatchUpRange: number;
    afterCatchUp: number;
    onClosedSockets: number;
  };
  socketsWithLoss: number;
  caughtUp: number;
  /**
   * Messages the catch-up returned that a client paging from the newest message it held
   * (rather than from its cursor at the drop) would have skipped: live messages that arrived
   * between `session` and the catch-up had moved that cursor past them.
   */
  newestCursorWouldMiss: number;
  historyPages: number;
  /** Failed reconnection attempts by reason (each is retried until the storm's deadline). */
  reconnectErrors: Record<string, number>;
  frames: FrameCounts;
}

export interface GeneratorCommands {
  connect: { args: ConnectArgs; result: ConnectResult };
  disconnect: { args: { pool: string }; result: { closed: number } };
  frames: { args: Record<string, never>; result: FrameCounts };
  w1Open: { args: W1OpenArgs; result: W1OpenResult };
  w1Closed: { args: W1ClosedArgs; result: W1ClosedResult };
  w1Changes: { args: W1ChangesArgs; result: W1ChangesResult };
  w2Step: { args: W2StepArgs; result: W2StepResult };
  history: { args: HistoryArgs; result: RateResult };
  pg: { args: PgArgs; result: RateResult };
  logins: { args: LoginArgs; result: LoginResult };
  storm: { args: StormArgs; result: StormResult };
}

export interface RelayCommands {
  gc: { args: Record<string, never>; result: { rssKiB: number } };
  port: { args: Record<string, never>; result: { port: number } };
}

export interface BcryptCommands {
  run: {
    args: {
      hash: string;
      password: string;
      concurrency: number;
      warmupMs: number;
      durationMs: number;
    };
    result: RateResult;
  };
}
