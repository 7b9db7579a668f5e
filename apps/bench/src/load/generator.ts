import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import type {
  ClientSpec,
  ConnectArgs,
  ConnectResult,
  FrameCounts,
  GeneratorCommands,
  HistoryArgs,
  LoginArgs,
  LoginResult,
  PgArgs,
  RateResult,
  StormArgs,
  StormResult,
  W1ChangesArgs,
  W1ChangesResult,
  W1ClosedArgs,
  W1ClosedResult,
  W1OpenArgs,
  W1OpenResult,
  W2StepArgs,
  W2StepResult,
} from '../lib/protocol';
import { serveRpc } from '../lib/rpc';
import { BATCH_SQL, HISTORY_SQL, HISTORY_SQL_PK_ORDER, SEND_SQL } from '../lib/sql';
import { Latency, sleep } from '../lib/stats';
import { ACK_OK_PREFIX, ackErrorCode, LeanSocket } from './lean-socket';
import { content, readMarker, readMessageId, type Marker } from './payload';

/**
 * The load generator: a process of its own, so its CPU is measured apart from the server's.
 * It holds pools of lean Socket.IO clients and runs one workload at a time on request.
 */

interface Client {
  sock: LeanSocket;
  user: number;
  auth: Record<string, unknown>;
  /** Highest message id seen in the storm's chat, live or by catch-up. */
  lastId: number;
  /** Ids seen during the storm phase. */
  seen: Set<number> | null;
  /** lastId when the storm dropped the socket, and once it had caught up. */
  cursorAtDrop: number;
  lastIdAtBack: number;
  /** The newest id held when the catch-up started (live messages may have moved it). */
  newestHeldAtCatchUp: number;
}

interface Pool {
  baseUrl: string;
  clients: Client[];
}

const pools = new Map<string, Pool>();
const noop = () => undefined;
let onMessage: (client: Client, frame: Buffer) => void = noop;
const frames: FrameCounts = { messageNew: 0, presence: 0, other: 0 };

const MESSAGE_NEW = Buffer.from('42["message:new"');
const MESSAGE_UPDATED = Buffer.from('42["message:updated"');
let updatesHeard = 0;
/** `presence` (one change) and `presence:batch` (the API's batched mode): presence frames. */
const PRESENCE = Buffer.from('42["presence');
const startsWith = (frame: Buffer, prefix: Buffer) =>
  frame.length >= prefix.length && frame.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

function resetFrames(): FrameCounts {
  const copy = { ...frames };
  frames.messageNew = frames.presence = frames.other = 0;
  return copy;
}

function newClient(baseUrl: string, spec: ClientSpec): Client {
  const client: Client = {
    sock: new LeanSocket(baseUrl),
    user: spec.user,
    auth: spec.auth,
    lastId: 0,
    seen: null,
    cursorAtDrop: 0,
    lastIdAtBack: 0,
    newestHeldAtCatchUp: 0,
  };
  client.sock.onEvent = (frame) => {
    if (startsWith(frame, MESSAGE_NEW)) {
      frames.messageNew++;
      onMessage(client, frame);
    } else if (startsWith(frame, PRESENCE)) frames.presence++;
    else {
      if (startsWith(frame, MESSAGE_UPDATED)) updatesHeard++;
      frames.other++;
    }
  };
  return client;
}

function pool(name: string): Pool {
  const found = pools.get(name);
  if (!found) throw new Error(`no pool ${name}`);
  return found;
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function inFlight<T>(items: T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Counts an error by its message, measured times blanked so that alike errors add up. */
const countError = (errors: Record<string, number>, message: string) => {
  const key = message.replace(/\d+\.\d+|\d{4,}/g, 'N').slice(0, 160);
  errors[key] = (errors[key] ?? 0) + 1;
};

const newMarker = (): Marker => ({ phase: 0, seq: 0, sender: 0, scheduledMs: 0 });

const sendJson = (chatId: string, text: string) =>
  `{"chatId":"${chatId}","clientId":"${randomUUID()}","content":"${text}"}`;

/** Calls `step(now)` about every millisecond until it returns false. */
function everyMs(step: (now: number) => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    const tick = () => {
      if (step(performance.now())) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await sleep(5);
}

/**
 * Opens a pool's sockets, at most `concurrency` handshakes in flight. Sockets not ready by the
 * deadline are given up; the pool keeps only the ready ones.
 */
async function connect(args: ConnectArgs): Promise<ConnectResult> {
  if (pools.has(args.pool)) throw new Error(`pool ${args.pool} is already connected`);
  resetFrames();
  const clients = args.clients.map((spec) => newClient(args.baseUrl, spec));
  const perSocket = new Latency();
  const errors: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + args.deadlineMs;
  const ready: Client[] = [];
  await inFlight(clients, args.concurrency, async (client) => {
    const left = deadline - performance.now();
    if (left <= 0) {
      countError(errors, 'not tried: deadline passed');
      return;
    }
    const t = performance.now();
    try {
      await client.sock.open(client.auth, Math.min(args.timeoutMs, left));
      perSocket.record(performance.now() - t);
      ready.push(client);
    } catch (error) {
      countError(errors, (error as Error).message);
    }
  });
  const wallMs = performance.now() - started;
  // In the order given, so that pool indexes keep their meaning when all are ready.
  const kept = clients.filter((c) => ready.includes(c));
  for (const client of clients) if (!kept.includes(client)) client.sock.drop();
  pools.set(args.pool, { baseUrl: args.baseUrl, clients: kept });
  return {
    connected: kept.length,
    failed: clients.length - kept.length,
    users: kept.map((c) => c.user),
    errors,
    wallMs,
    perSocket: perSocket.summary(),
    frames: resetFrames(),
  };
}

async function disconnect({ pool: name }: { pool: string }) {
  const found = pools.get(name);
  if (!found) return { closed: 0 };
  pools.delete(name);
  for (const client of found.clients) client.sock.close();
  await sleep(100);
  return { closed: found.clients.length };
}

/**
 * An open loop: `send(seq, scheduledAt)` for seq 0..total-1, `intervalMs` apart by the clock
 * whatever the answers (no coordinated omission), recording how late each went out. `abort`
 * is asked on every tick and stops the loop when true. Resolves with how many were sent.
 */
async function openLoop(
  total: number,
  intervalMs: number,
  sendLag: Latency,
  send: (seq: number, scheduledAt: number) => void,
  abort: (now: number, sent: number, scheduledAt: (seq: number) => number) => boolean = () => false,
): Promise<number> {
  const start = performance.now() + 5;
  const scheduledAt = (seq: number) => start + seq * intervalMs;
  let next = 0;
  await everyMs((now) => {
    if (abort(now, next, scheduledAt)) return false;
    while (next < total && scheduledAt(next) <= now) {
      const seq = next++;
      sendLag.record(now - scheduledAt(seq));
      send(seq, scheduledAt(seq));
    }
    return next < total;
  });
  return next;
}

/** W1, open loop: sends scheduled by the clock, latencies from the scheduled time. */
async function w1Open(args: W1OpenArgs): Promise<W1OpenResult> {
  const { clients } = pool(args.pool);
  const total = Math.max(1, Math.round((args.rate * args.durationMs) / 1000));
  const interval = 1000 / args.rate;
  const delivered = new Uint8Array(total);
  const deliver = new Latency();
  const ack = new Latency();
  const sendLag = new Latency();
  const ackErrors: Record<string, number> = {};
  let acked = 0;
  let answered = 0;
  let deliveredCount = 0;
  const marker = newMarker();
  onMessage = (client, frame) => {
    if (!readMarker(frame, marker) || marker.phase !== args.phase) return;
    if (marker.sender === client.user || marker.seq >= total || delivered[marker.seq]) return;
    delivered[marker.seq] = 1;
    deliveredCount++;
    deliver.record(performance.now() - marker.scheduledMs);
  };
  await openLoop(total, interval, sendLag, (seq, at) => {
    const pair = args.pairs[seq % args.pairs.length];
    if (!pair) throw new Error('no pairs');
    const fromA = Math.floor(seq / args.pairs.length) % 2 === 0;
    const sender = clients[fromA ? pair.a : pair.b];
    if (!sender) throw new Error('pair outside the pool');
    sender.sock.emit(
      'message:send',
      sendJson(pair.chatId, content(args.phase, seq, sender.user, at)),
      (body) => {
        answered++;
        if (body.startsWith(ACK_OK_PREFIX)) {
          acked++;
          ack.record(performance.now() - at);
        } else countError(ackErrors, ackErrorCode(body));
      },
    );
  });
  await waitUntil(() => answered >= total && deliveredCount >= acked, args.drainMs);
  onMessage = noop;
  return {
    rate: args.rate,
    sent: total,
    acked,
    ackErrors,
    delivered: deliveredCount,
    deliver: deliver.summary(),
    ack: ack.summary(),
    sendLag: sendLag.summary(),
  };
}

/** W1, closed loop: every socket keeps `window` sends in flight; acks counted after warm-up. */
async function w1Closed(args: W1ClosedArgs): Promise<W1ClosedResult> {
  const { clients } = pool(args.pool);
  const ack = new Latency();
  const ackErrors: Record<string, number> = {};
  const marker = newMarker();
  let deliveredToPeer = 0;
  let acked = 0;
  const start = performance.now();
  const measureFrom = start + args.warmupMs;
  const end = measureFrom + args.durationMs;
  onMessage = (client, frame) => {
    if (!readMarker(frame, marker) || marker.phase !== args.phase) return;
    if (marker.sender !== client.user) deliveredToPeer++;
  };
  let seq = 0;
  let loops = 0;
  const chatOf = new Map<number, string>();
  for (const pair of args.pairs) {
    chatOf.set(pair.a, pair.chatId);
    chatOf.set(pair.b, pair.chatId);
  }
  await new Promise<void>((resolve) => {
    const loop = (index: number) => {
      const client = clients[index];
      const chatId = chatOf.get(index);
      if (!client || !chatId) return;
      const sentAt = performance.now();
      if (sentAt >= end) {
        if (--loops === 0) resolve();
        return;
      }
      client.sock.emit(
        'message:send',
        sendJson(chatId, content(args.phase, seq++, client.user, sentAt)),
        (body) => {
          const now = performance.now();
          if (body.startsWith(ACK_OK_PREFIX)) {
            if (sentAt >= measureFrom && now <= end) {
              acked++;
              ack.record(now - sentAt);
            }
          } else countError(ackErrors, ackErrorCode(body));
          loop(index);
        },
      );
    };
    for (const index of chatOf.keys()) {
      for (let w = 0; w < args.window; w++) {
        loops++;
        loop(index);
      }
    }
  });
  await sleep(200);
  onMessage = noop;
  return {
    throughput: acked / (args.durationMs / 1000),
    acked,
    ackErrors,
    deliveredToPeer,
    ack: ack.summary(),
  };
}

/**
 * W1 changes, open loop: each member of each pair first sends a message of its own (acks
 * awaited); then, by the clock, changes alternate between an edit of the sender's own message
 * (new content each time) and a reaction on the peer's message, set on one round and cleared on
 * the next, so that every request is a real change (a version, a `message:updated` to both
 * members). Ack latencies from the scheduled time, per kind.
 */
async function w1Changes(args: W1ChangesArgs): Promise<W1ChangesResult> {
  const { clients } = pool(args.pool);
  const errors: Record<string, number> = {};
  const own = new Map<number, string>();
  await Promise.all(
    args.pairs.flatMap((pair) =>
      [pair.a, pair.b].map(
        (index) =>
          new Promise<void>((resolve) => {
            const client = clients[index];
            if (!client) throw new Error('pair outside the pool');
            client.sock.emit('message:send', sendJson(pair.chatId, `changes ${index}`), (body) => {
              if (body.startsWith(ACK_OK_PREFIX)) {
                own.set(index, readAckId(body));
              } else countError(errors, `seed: ${ackErrorCode(body)}`);
              resolve();
            });
          }),
      ),
    ),
  );
  const total = Math.max(1, Math.round((args.rate * args.durationMs) / 1000));
  const n = args.pairs.length;
  const edits = { sent: 0, acked: 0, ack: new Latency() };
  const reactions = { sent: 0, acked: 0, ack: new Latency() };
  const sendLag = new Latency();
  let answered = 0;
  updatesHeard = 0;
  await openLoop(total, 1000 / args.rate, sendLag, (seq, at) => {
    const pair = args.pairs[seq % n];
    if (!pair) throw new Error('no pairs');
    const round = Math.floor(seq / n);
    const fromA = round % 2 === 0;
    const [me, peer] = fromA ? [pair.a, pair.b] : [pair.b, pair.a];
    const client = clients[me];
    const mine = own.get(me);
    const theirs = own.get(peer);
    if (!client || !mine || !theirs) {
      answered++;
      countError(errors, 'no message to change (its send failed)');
      return;
    }
    // Rounds go edit, edit, reaction, reaction (both sides each), so each pair gets both kinds.
    const isEdit = Math.floor(round / 2) % 2 === 0;
    const kind = isEdit ? edits : reactions;
    const payload = isEdit
      ? `{"chatId":"${pair.chatId}","messageId":"${mine}","content":"edit ${seq}"}`
      : `{"chatId":"${pair.chatId}","messageId":"${theirs}","emoji":"👍","on":${Math.floor(round / 4) % 2 === 0}}`;
    kind.sent++;
    client.sock.emit(isEdit ? 'message:edit' : 'reaction:set', payload, (body) => {
      answered++;
      if (body.startsWith(ACK_OK_PREFIX)) {
        kind.acked++;
        kind.ack.record(performance.now() - at);
      } else countError(errors, ackErrorCode(body));
    });
  });
  await waitUntil(() => answered >= total, args.drainMs);
  if (answered < total) errors['no ack'] = total - answered;
  // The last updates' frames.
  await waitUntil(() => updatesHeard >= 2 * (edits.acked + reactions.acked), 1000);
  return {
    rate: args.rate,
    edits: { ...edits, ack: edits.ack.summary() },
    reactions: { ...reactions, ack: reactions.ack.summary() },
    errors,
    updatesHeard,
    sendLag: sendLag.summary(),
  };
}

/** The stored message's id in a `{ ok: true, data }` ack. */
function readAckId(body: string): string {
  const [answer] = JSON.parse(body) as [{ data: { id: string } }];
  return answer.data.id;
}

/** W2, one rate step of fan-out in one chat: every member must receive every message. */
async function w2Step(args: W2StepArgs): Promise<W2StepResult> {
  const { clients } = pool(args.pool);
  const members = clients.filter((c) => c.sock.ready).length;
  const total = Math.max(1, Math.round((args.rate * args.durationMs) / 1000));
  const interval = 1000 / args.rate;
  const counts = new Uint16Array(total);
  const state = new Uint8Array(total); // 0 pending ack, 1 acked, 2 failed
  const latency = new Latency();
  const sendLag = new Latency();
  const ackErrors: Record<string, number> = {};
  const marker = newMarker();
  let deliveries = 0;
  let complete = 0;
  let acked = 0;
  let answered = 0;
  let failed = 0;
  onMessage = (_client, frame) => {
    if (!readMarker(frame, marker) || marker.phase !== args.phase || marker.seq >= total) return;
    deliveries++;
    latency.record(performance.now() - marker.scheduledMs);
    const count = (counts[marker.seq] ?? 0) + 1;
    counts[marker.seq] = count;
    if (count === members) complete++;
  };
  let oldest = 0;
  let aborted = false;
  const next = await openLoop(
    total,
    interval,
    sendLag,
    (seq, at) => {
      const sender = clients[seq % args.senders];
      if (!sender) throw new Error('no sender');
      sender.sock.emit(
        'message:send',
        sendJson(args.chatId, content(args.phase, seq, sender.user, at)),
        (body) => {
          answered++;
          if (body.startsWith(ACK_OK_PREFIX)) {
            acked++;
            state[seq] = 1;
          } else {
            failed++;
            state[seq] = 2;
            countError(ackErrors, ackErrorCode(body));
          }
        },
      );
    },
    (now, sent, scheduledAt) => {
      // A backlog: the oldest message not yet complete everywhere is too late.
      while (oldest < sent && ((counts[oldest] ?? 0) >= members || state[oldest] === 2)) oldest++;
      aborted = oldest < sent && scheduledAt(oldest) < now - args.abortLateMs;
      return aborted;
    },
  );
  await waitUntil(() => answered >= next && complete + failed >= next, args.maxDrainMs);
  onMessage = noop;
  return {
    rate: args.rate,
    sent: next,
    acked,
    ackErrors,
    members,
    deliveries,
    expected: acked * members,
    complete,
    latency: latency.summary(),
    sendLag: sendLag.summary(),
    aborted,
  };
}

/** W3: history pages over the sockets of a pool, one request in flight per socket. */
async function history(args: HistoryArgs): Promise<RateResult> {
  const { clients } = pool(args.pool);
  const latency = new Latency();
  const errors: Record<string, number> = {};
  const request = JSON.stringify({
    chatId: args.chatId,
    limit: args.limit,
    ...(args.before ? { before: args.before } : {}),
  });
  let completed = 0;
  let rows: number | undefined;
  const measureFrom = performance.now() + args.warmupMs;
  const end = measureFrom + args.durationMs;
  await Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((resolve) => {
          const loop = () => {
            const sentAt = performance.now();
            if (sentAt >= end) return resolve();
            client.sock.emit('chat:history', request, (body) => {
              const now = performance.now();
              if (body.startsWith(ACK_OK_PREFIX)) {
                if (rows === undefined) {
                  const [answer] = JSON.parse(body) as [{ data: { messages: unknown[] } }];
                  rows = answer.data.messages.length;
                }
                if (sentAt >= measureFrom && now <= end) {
                  completed++;
                  latency.record(now - sentAt);
                }
              } else countError(errors, ackErrorCode(body));
              loop();
            });
          };
          loop();
        }),
    ),
  );
  return {
    completed,
    errors,
    rate: completed / (args.durationMs / 1000),
    latency: latency.summary(),
    rows,
  };
}

/**
 * Connections of the raw node-pg loops, kept open between measurements so that their
 * PostgreSQL backends are alive when the harness reads their CPU time at the end.
 */
const pgClients: PgClient[] = [];

async function pgConnections(url: string, count: number): Promise<PgClient[]> {
  while (pgClients.length < count) {
    const client = new PgClient({ connectionString: url });
    await client.connect();
    pgClients.push(client);
  }
  return pgClients.slice(0, count);
}

async function pgBaseline(args: PgArgs): Promise<RateResult> {
  const clients = await pgConnections(args.url, args.concurrency);
  const latency = new Latency();
  const errors: Record<string, number> = {};
  let completed = 0;
  let rows: number | undefined;
  const perOp = args.kind === 'batch' ? args.batchSize : 1;
  const measureFrom = performance.now() + args.warmupMs;
  const end = measureFrom + args.durationMs;
  let turn = 0;
  const once = async (client: PgClient) => {
    if (args.kind === 'keyset') {
      const keyset = args.keyset;
      if (!keyset) throw new Error('keyset arguments missing');
      const sql = keyset.pkOrder ? HISTORY_SQL_PK_ORDER : HISTORY_SQL;
      const result = await client.query(sql, [
        keyset.chatId,
        keyset.before,
        null,
        keyset.limit + 1,
      ]);
      rows ??= result.rowCount ?? 0;
      return;
    }
    const writer = args.writers[turn++ % args.writers.length];
    if (!writer) throw new Error('no writers');
    const text = content(0, turn, 0, 0);
    if (args.kind === 'insert') {
      const result = await client.query(SEND_SQL, [
        writer.chatId,
        writer.senderId,
        randomUUID(),
        text,
      ]);
      rows ??= result.rowCount ?? 0;
    } else {
      const ids = Array.from({ length: args.batchSize }, () => randomUUID());
      const result = await client.query(BATCH_SQL, [writer.chatId, writer.senderId, text, ids]);
      rows ??= result.rowCount ?? 0;
    }
  };
  await Promise.all(
    clients.map(async (client) => {
      for (;;) {
        const t = performance.now();
        if (t >= end) return;
        try {
          await once(client);
          const now = performance.now();
          if (t >= measureFrom && now <= end) {
            completed += perOp;
            latency.record(now - t);
          }
        } catch (error) {
          countError(errors, (error as Error).message);
          await sleep(10);
        }
      }
    }),
  );
  return {
    completed,
    errors,
    rate: completed / (args.durationMs / 1000),
    latency: latency.summary(),
    rows,
  };
}

/**
 * The probe's event: a valid `typing` in the global chat, the cheapest event the API answers
 * without a query (membership from the socket's rooms); no other socket is connected during
 * W4, so it reaches no one. (An invalid payload would measure the API's error path instead.)
 */
const PROBE_TYPING = JSON.stringify({ chatId: 'all', isTyping: false });

/** W4: sign-ins at a fixed concurrency, with an event-loop probe over an open socket. */
async function logins(args: LoginArgs): Promise<LoginResult> {
  const [probeClient] = pool(args.probePool).clients;
  if (!probeClient) throw new Error('no probe socket');
  let probeHistogram = new Latency();
  let probing = true;
  const probeLoop = (async () => {
    while (probing) {
      const t = performance.now();
      const histogram = probeHistogram;
      await new Promise<void>((resolve) =>
        probeClient.sock.emit('typing', PROBE_TYPING, () => {
          histogram.record(performance.now() - t);
          resolve();
        }),
      );
      const wait = args.probeIntervalMs - (performance.now() - t);
      if (wait > 0) await sleep(wait);
    }
  })();
  await sleep(args.idleMs);
  const probeIdle = probeHistogram.summary();

  const latency = new Latency();
  const errors: Record<string, number> = {};
  let completed = 0;
  const measureFrom = performance.now() + args.warmupMs;
  const end = measureFrom + args.durationMs;
  let switched = false;
  await Promise.all(
    Array.from({ length: args.concurrency }, async (_, worker) => {
      for (let i = 0; ; i++) {
        const t = performance.now();
        if (t >= end) return;
        if (!switched && t >= measureFrom) {
          switched = true;
          probeHistogram = new Latency();
        }
        const login = args.logins[(worker + i * args.concurrency) % args.logins.length];
        try {
          const response = await fetch(`${args.baseUrl}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ login, password: args.password }),
          });
          const body = await response.text();
          const now = performance.now();
          if (response.status === 200 && body.includes('accessToken')) {
            if (t >= measureFrom && now <= end) {
              completed++;
              latency.record(now - t);
            }
          } else countError(errors, `HTTP ${response.status} ${body.slice(0, 100)}`);
        } catch (error) {
          countError(errors, (error as Error).message);
          await sleep(10);
        }
      }
    }),
  );
  const probeLoad = probeHistogram.summary();
  probing = false;
  await probeLoop;
  return {
    completed,
    errors,
    rate: completed / (args.durationMs / 1000),
    latency: latency.summary(),
    probeIdle,
    probeLoad,
  };
}

/**
 * W5: every socket of the pool is dropped at once and reconnects (at most `concurrency`
 * handshakes in flight), then catches up with `chat:history` after the last id it saw.
 * Meanwhile the sender pool keeps sending to the chat; at the end every socket must have
 * seen every acked message, live or by catch-up.
 */
async function storm(args: StormArgs): Promise<StormResult> {
  const { clients } = pool(args.pool);
  const [sender] = pool(args.senderPool).clients;
  if (!sender) throw new Error('no sender');
  resetFrames();
  for (const client of clients) {
    client.seen = new Set<number>();
    client.lastId = 0;
  }
  const marker = newMarker();
  onMessage = (client, frame) => {
    if (!client.seen || !readMarker(frame, marker) || marker.phase !== args.phase) return;
    const id = readMessageId(frame);
    client.seen.add(id);
    if (id > client.lastId) client.lastId = id;
  };
  const ackedIds: number[] = [];
  const ackErrors: Record<string, number> = {};
  let sending = true;
  let seq = 0;
  let answered = 0;
  const interval = 1000 / args.rate;
  const sendStart = performance.now();
  const senderLoop = everyMs((now) => {
    while (sending && sendStart + seq * interval <= now) {
      const at = sendStart + seq * interval;
      sender.sock.emit(
        'message:send',
        sendJson(args.chatId, content(args.phase, seq++, sender.user, at)),
        (body) => {
          answered++;
          if (body.startsWith(ACK_OK_PREFIX)) {
            const [answer] = JSON.parse(body) as [{ data: { id: string } }];
            ackedIds.push(Number(answer.data.id));
          } else countError(ackErrors, ackErrorCode(body));
        },
      );
    }
    return sending;
  });
  await sleep(args.leadMs);

  // The drop: every socket at once.
  const dropAt = performance.now();
  for (const client of clients) {
    client.cursorAtDrop = client.lastId;
    client.sock.drop();
  }
  const perSocket = new Latency();
  const reconnectErrors: Record<string, number> = {};
  let back = 0;
  let caughtUp = 0;
  let historyPages = 0;
  let newestCursorWouldMiss = 0;
  let lastBack = dropAt;
  const deadline = dropAt + args.timeoutMs;
  /**
   * Pages forward from the cursor the socket had when it was dropped, each page after the
   * previous page's last id. Not from the newest id held: live messages that arrive between
   * `session` and the catch-up (or between pages) would move that past a gap.
   */
  const catchUp = (client: Client): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('catch-up: no answer in 10 s')), 10_000);
      const done = (error?: Error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const page = (after: number) => {
        const request = JSON.stringify({
          chatId: args.chatId,
          after: String(after),
          limit: args.historyLimit,
        });
        client.sock.emit('chat:history', request, (body) => {
          historyPages++;
          if (!body.startsWith(ACK_OK_PREFIX)) return done(new Error(`history: ${body}`));
          const [answer] = JSON.parse(body) as [
            { data: { messages: { id: string; content: string }[]; hasMore: boolean } },
          ];
          let last = after;
          for (const message of answer.data.messages) {
            const id = Number(message.id);
            if (message.content.startsWith(`b|${args.phase}|`)) {
              // Not received live, and older than what the socket already held: a client that
              // pages from its newest message would never have asked for it.
              if (!client.seen?.has(id) && id < client.newestHeldAtCatchUp) newestCursorWouldMiss++;
              client.seen?.add(id);
              caughtUp++;
            }
            if (id > last) last = id;
            if (id > client.lastId) client.lastId = id;
          }
          if (answer.data.hasMore && answer.data.messages.length > 0) page(last);
          else done();
        });
      };
      page(client.cursorAtDrop);
    });
  await inFlight(clients, args.concurrency, async (client) => {
    for (let attempt = 0; performance.now() < deadline; attempt++) {
      try {
        await client.sock.open(client.auth, Math.max(1, deadline - performance.now()));
        client.newestHeldAtCatchUp = client.lastId;
        await catchUp(client);
        client.lastIdAtBack = client.lastId;
        const now = performance.now();
        perSocket.record(now - dropAt);
        if (now > lastBack) lastBack = now;
        back++;
        return;
      } catch (error) {
        countError(reconnectErrors, (error as Error).message);
        client.sock.drop();
        await sleep(Math.min(1000, 50 * 2 ** attempt));
      }
    }
  });
  await sleep(args.tailMs);
  sending = false;
  await senderLoop;
  await waitUntil(() => answered >= seq, 5_000);
  // Let the last broadcasts arrive.
  await waitUntil(
    () => clients.every((c) => !c.sock.ready || (c.seen?.size ?? 0) >= ackedIds.length),
    3_000,
  );
  onMessage = noop;
  let lost = 0;
  let socketsWithLoss = 0;
  const lostWhere = { beforeDrop: 0, inCatchUpRange: 0, afterCatchUp: 0, onClosedSockets: 0 };
  for (const client of clients) {
    let missing = 0;
    for (const id of ackedIds) {
      if (client.seen?.has(id)) continue;
      if (!client.sock.ready) {
        lostWhere.onClosedSockets++;
        continue;
      }
      missing++;
      if (id <= client.cursorAtDrop) lostWhere.beforeDrop++;
      else if (id <= client.lastIdAtBack) lostWhere.inCatchUpRange++;
      else lostWhere.afterCatchUp++;
    }
    lost += missing;
    if (missing > 0) socketsWithLoss++;
    client.seen = null;
  }
  return {
    rate: args.rate,
    sockets: clients.length,
    back,
    allBackMs: back === clients.length ? lastBack - dropAt : NaN,
    timeoutMs: args.timeoutMs,
    perSocket: perSocket.summary(),
    acked: ackedIds.length,
    ackErrors,
    lost,
    lostWhere,
    socketsWithLoss,
    caughtUp,
    newestCursorWouldMiss,
    historyPages,
    reconnectErrors,
    frames: resetFrames(),
  };
}

/** The frames received since the last connect or frames call (W6: after a storm settles). */
function framesSince(): Promise<FrameCounts> {
  return Promise.resolve(resetFrames());
}

const handlers = {
  connect,
  disconnect,
  frames: framesSince,
  w1Open,
  w1Closed,
  w1Changes,
  w2Step,
  history,
  pg: pgBaseline,
  logins,
  storm,
};

serveRpc<GeneratorCommands>(handlers);
