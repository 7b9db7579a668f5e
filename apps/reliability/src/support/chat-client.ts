import {
  HANDSHAKE_UNAUTHORIZED,
  type Ack,
  type ErrorCode,
  type HistoryPage,
  type Message,
} from '@chat/shared-types';
import type { ChatSocket } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { historyPage, type TestUser } from './http';
import { sleep } from './timing';

const PAGE_SIZE = 100;
const HISTORY_ACK_TIMEOUT_MS = 5_000;
const MANUAL_RECONNECT_DELAY_MS = 250;

/** What one emit came back with. */
export type Outcome<T> =
  | { kind: 'ok'; data: T }
  | { kind: 'error'; code: ErrorCode; message: string }
  /** No acknowledgement within the timeout. */
  | { kind: 'no-ack' }
  /** The socket dropped while the acknowledgement was pending. */
  | { kind: 'disconnected' }
  /** Not emitted: the socket had no session. */
  | { kind: 'offline' };

export type OutcomeKind = 'ok' | ErrorCode | 'no-ack' | 'disconnected' | 'offline';

export function outcomeKind(outcome: Outcome<unknown>): OutcomeKind {
  return outcome.kind === 'error' ? outcome.code : outcome.kind;
}

/** Outcomes after which a send is retried with the same clientId. */
const RETRYABLE = new Set<OutcomeKind>([
  'unavailable',
  'rate_limited',
  'no-ack',
  'disconnected',
  'offline',
]);

export interface SendAttempt {
  emittedAt: number;
  answeredAt: number;
  outcome: OutcomeKind;
}

/** One logical message: every attempt, and the stored message once acknowledged. */
export interface SentMessage {
  chatId: string;
  content: string;
  clientId: string;
  attempts: SendAttempt[];
  message: Message | null;
}

/**
 * What a client shows of one chat: messages ordered by id, each id once. It also counts what
 * a careful client should never see: a message arriving after a newer one of the same chat.
 */
export class ChatView {
  /** Shown messages, ascending by id. */
  readonly shown: Message[] = [];
  private readonly ids = new Set<string>();
  /** Live messages held back while a catch-up runs, so they follow what they follow. */
  buffer: Message[] | null = null;
  /** The newest id shown. */
  lastId: bigint;
  /** Up to here the list is known complete: the end of the last finished catch-up. */
  confirmedId: bigint;
  /** The same id offered again (live and catch-up overlap); dropped, never shown twice. */
  redelivered = 0;
  /** Arrived after a newer message of this chat, so it had to be put before it. */
  lateArrivals = 0;
  /** Late arrivals that came from a catch-up: holes below the newest id shown. */
  holesFilled = 0;
  viaLive = 0;
  viaCatchUp = 0;

  constructor(
    readonly chatId: string,
    /** The newest id before the view was opened; the view holds what came after it. */
    readonly sinceId: string | null,
  ) {
    this.lastId = sinceId === null ? 0n : BigInt(sinceId);
    this.confirmedId = this.lastId;
  }

  get lastIdText(): string | null {
    return this.lastId === 0n ? null : this.lastId.toString();
  }

  get confirmedIdText(): string | null {
    return this.confirmedId === 0n ? null : this.confirmedId.toString();
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  take(message: Message, source: 'live' | 'catch-up'): void {
    if (message.chatId !== this.chatId) return;
    const id = BigInt(message.id);
    if (this.ids.has(message.id)) {
      this.redelivered++;
      return;
    }
    if (this.sinceId !== null && id <= BigInt(this.sinceId)) return;
    this.ids.add(message.id);
    if (id > this.lastId) {
      this.shown.push(message);
      this.lastId = id;
    } else {
      this.lateArrivals++;
      if (source === 'catch-up') this.holesFilled++;
      const isLater = (shown: Message | undefined) => shown !== undefined && BigInt(shown.id) > id;
      let at = this.shown.length;
      while (isLater(this.shown[at - 1])) at--;
      this.shown.splice(at, 0, message);
    }
    if (source === 'live') this.viaLive++;
    else this.viaCatchUp++;
  }
}

export interface ChatClientOptions {
  baseUrl: string;
  user: TestUser;
  /** How the client fetches what it missed: `chat:history` on the socket, or GET messages. */
  catchUpVia: 'socket' | 'rest';
  /** How long a send waits for its acknowledgement before it is retried. */
  sendAckTimeoutMs?: number;
  /**
   * Where a catch-up starts: after the newest id shown (as apps/web does), or after the end of
   * the last finished catch-up, which also fills holes left by live delivery that skipped
   * messages while newer ones got through.
   */
  catchUpFrom?: 'newest' | 'confirmed';
}

/**
 * A chat client as a careful app would write one: a socket that reconnects by itself; sends
 * retried with the same clientId until acknowledged; after every (re)connection it catches up
 * each chat it shows (see `catchUpFrom`), holding live messages back meanwhile, and it
 * deduplicates by id. It records what happened, for the scenarios' figures.
 */
export class ChatClient {
  /** Every client not closed yet, so a failed scenario leaves no socket reconnecting. */
  private static readonly open = new Set<ChatClient>();

  static closeAll(): void {
    for (const client of [...ChatClient.open]) client.close();
  }

  readonly views = new Map<string, ChatView>();
  readonly socket: ChatSocket;
  /** Catch-up durations, session event to caught up, in ms. */
  readonly catchUpMs: number[] = [];
  /** Reconnection durations, disconnect to session, in ms (not counting `goOffline`). */
  readonly reconnectMs: number[] = [];
  readonly retries = new Map<OutcomeKind, number>();
  sessions = 0;
  serverDisconnects = 0;
  unauthorizedHandshakes = 0;
  catchUpPages = 0;
  catchUpFailures = 0;
  ignoredLive = 0;

  private ready = false;
  private closed = false;
  private offline = false;
  private disconnectedAt: number | null = null;
  private readonly pending = new Set<() => void>();
  private readyWaiters: (() => void)[] = [];
  private catchUpRun: Promise<void> | null = null;
  private catchUpAgain = false;
  private sessionAt = 0;

  constructor(readonly options: ChatClientOptions) {
    ChatClient.open.add(this);
    this.socket = io(options.baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1_000,
      randomizationFactor: 0.3,
      timeout: 5_000,
      autoConnect: false,
      auth: { token: options.user.token },
    });
    this.socket.on('session', () => this.onSession());
    this.socket.on('message:new', (message) => this.onLive(message));
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', (error) => this.onConnectError(error));
  }

  get user(): TestUser {
    return this.options.user;
  }

  get online(): boolean {
    return this.ready;
  }

  /** Connects and resolves at the first `session`. */
  async connect(timeoutMs = 10_000): Promise<void> {
    this.offline = false;
    this.socket.connect();
    await this.waitReady(Date.now() + timeoutMs);
  }

  /** Starts showing a chat from after `sinceId`, and catches it up once connected. */
  watch(chatId: string, sinceId: string | null): ChatView {
    const view = new ChatView(chatId, sinceId);
    this.views.set(chatId, view);
    this.scheduleCatchUp();
    return view;
  }

  /** Leaves the network on purpose: no reconnection until `comeBack`. */
  goOffline(): void {
    this.offline = true;
    this.ready = false;
    this.socket.disconnect();
  }

  /** Reconnects after `goOffline`; resolves once caught up. */
  async comeBack(timeoutMs = 30_000): Promise<number> {
    const started = Date.now();
    await this.connect(timeoutMs);
    await this.settled(timeoutMs);
    return Date.now() - started;
  }

  close(): void {
    ChatClient.open.delete(this);
    this.closed = true;
    this.ready = false;
    this.socket.disconnect();
    for (const cancel of [...this.pending]) cancel();
  }

  /** Sends one message, retrying with the same clientId, until acknowledged or `deadline`. */
  async send(
    chatId: string,
    content: string,
    deadline = Date.now() + 120_000,
    clientId = randomUUID(),
  ): Promise<SentMessage> {
    const record: SentMessage = { chatId, content, clientId, attempts: [], message: null };
    let backoff = 50;
    while (Date.now() < deadline && !this.closed) {
      await this.waitReady(deadline);
      const emittedAt = Date.now();
      const outcome = await this.emitSend({ chatId, content, clientId });
      const kind = outcomeKind(outcome);
      record.attempts.push({ emittedAt, answeredAt: Date.now(), outcome: kind });
      if (outcome.kind === 'ok') {
        record.message = outcome.data;
        return record;
      }
      if (!RETRYABLE.has(kind)) {
        throw new Error(
          `message:send to ${chatId} answered ${kind}: ${
            outcome.kind === 'error' ? outcome.message : ''
          }`,
        );
      }
      this.retries.set(kind, (this.retries.get(kind) ?? 0) + 1);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 500);
    }
    throw new Error(
      `${this.user.login}: no acknowledgement for a message to ${chatId} by the deadline ` +
        `(${record.attempts.length} attempts: ${record.attempts.map((a) => a.outcome).join(', ')})`,
    );
  }

  /** One `message:send`, no retry. */
  emitSend(
    payload: { chatId: string; content: string; clientId: string },
    timeoutMs = this.options.sendAckTimeoutMs ?? 5_000,
  ): Promise<Outcome<Message>> {
    return this.call<Message>((socket, done) =>
      socket.timeout(timeoutMs).emit('message:send', payload, done),
    );
  }

  /** Resolves once connected and no catch-up is running (or throws at the timeout). */
  async settled(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ready || this.catchUpRun) {
      if (Date.now() > deadline) {
        throw new Error(
          `${this.user.login}: not caught up within ${timeoutMs} ms (online ${this.ready})`,
        );
      }
      await (this.catchUpRun ?? sleep(50));
    }
  }

  /** A catch-up of every view now, as after a reconnection; resolves when done. */
  async catchUpNow(timeoutMs = 30_000): Promise<void> {
    this.scheduleCatchUp();
    await this.settled(timeoutMs);
  }

  retryCount(): number {
    let total = 0;
    for (const count of this.retries.values()) total += count;
    return total;
  }

  private call<T>(
    emit: (socket: ChatSocket, done: (error: Error | null, ack: Ack<T>) => void) => void,
  ): Promise<Outcome<T>> {
    if (!this.ready) return Promise.resolve({ kind: 'offline' });
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: Outcome<T>) => {
        if (settled) return;
        settled = true;
        this.pending.delete(onDisconnect);
        resolve(outcome);
      };
      const onDisconnect = () => finish({ kind: 'disconnected' });
      this.pending.add(onDisconnect);
      emit(this.socket, (error, ack) => {
        if (error) return finish({ kind: 'no-ack' });
        finish(ack.ok ? { kind: 'ok', data: ack.data } : { kind: 'error', ...ack.error });
      });
    });
  }

  private async waitReady(deadline: number): Promise<void> {
    while (!this.ready) {
      if (this.closed) throw new Error(`${this.user.login}: the client was closed`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.user.login}: no session by the deadline`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1_000));
        this.readyWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private onSession(): void {
    this.sessions++;
    this.ready = true;
    this.sessionAt = Date.now();
    if (this.disconnectedAt !== null) {
      this.reconnectMs.push(this.sessionAt - this.disconnectedAt);
      this.disconnectedAt = null;
    }
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const wake of waiters) wake();
    if (this.views.size > 0) this.scheduleCatchUp(true);
  }

  private onDisconnect(reason: string): void {
    this.ready = false;
    for (const cancel of [...this.pending]) cancel();
    if (this.closed || this.offline) return;
    this.disconnectedAt ??= Date.now();
    // The server closed the socket (it does not come back by itself): reconnect by hand.
    if (reason === 'io server disconnect') {
      this.serverDisconnects++;
      this.reconnectLater();
    }
  }

  private onConnectError(error: Error): void {
    if (error.message === HANDSHAKE_UNAUTHORIZED) this.unauthorizedHandshakes++;
    // A refused handshake is not retried by socket.io itself.
    if (!this.socket.active) this.reconnectLater();
  }

  private reconnectLater(): void {
    setTimeout(() => {
      if (!this.closed && !this.offline && !this.socket.connected) this.socket.connect();
    }, MANUAL_RECONNECT_DELAY_MS);
  }

  private onLive(message: Message): void {
    const view = this.views.get(message.chatId);
    if (!view) {
      this.ignoredLive++;
      return;
    }
    if (view.buffer) view.buffer.push(message);
    else view.take(message, 'live');
  }

  /** Runs a catch-up of every view; one more after it when asked again meanwhile. */
  private scheduleCatchUp(timed = false): void {
    for (const view of this.views.values()) view.buffer ??= [];
    if (this.catchUpRun) {
      this.catchUpAgain = true;
      return;
    }
    const startedAt = this.sessionAt;
    this.catchUpRun = (async () => {
      do {
        this.catchUpAgain = false;
        if (!this.ready) break;
        try {
          for (const view of this.views.values()) await this.catchUp(view);
          if (timed) this.catchUpMs.push(Date.now() - startedAt);
          timed = false;
        } catch {
          // The connection went away mid-catch-up; the next session starts it again.
          this.catchUpFailures++;
          if (this.ready) {
            await sleep(200);
            this.catchUpAgain = true;
          }
        }
      } while (this.catchUpAgain && !this.closed);
    })().finally(() => {
      this.catchUpRun = null;
    });
  }

  private async catchUp(view: ChatView): Promise<void> {
    const from = this.options.catchUpFrom === 'confirmed' ? view.confirmedIdText : view.lastIdText;
    let confirmed: string | null = from;
    if (from === null) {
      // Nothing shown yet and no cursor: the whole chat, paged back from the newest.
      const pages: Message[][] = [];
      let before: string | undefined;
      for (;;) {
        const page = await this.fetchPage(view.chatId, { before });
        this.catchUpPages++;
        pages.unshift(page.messages);
        before = page.messages[0]?.id;
        if (!page.hasMore || !before) break;
      }
      const all = pages.flat();
      for (const message of all) view.take(message, 'catch-up');
      confirmed = all.at(-1)?.id ?? null;
    }
    while (confirmed !== null) {
      const page = await this.fetchPage(view.chatId, { after: confirmed });
      this.catchUpPages++;
      for (const message of page.messages) view.take(message, 'catch-up');
      confirmed = page.messages.at(-1)?.id ?? confirmed;
      if (!page.hasMore || page.messages.length === 0) break;
    }
    if (confirmed !== null && BigInt(confirmed) > view.confirmedId) {
      view.confirmedId = BigInt(confirmed);
    }
    const held = view.buffer ?? [];
    view.buffer = null;
    for (const message of held) view.take(message, 'live');
  }

  /** One history page, over the socket or REST as the client is set up to. */
  async fetchPage(
    chatId: string,
    cursor: { after?: string; before?: string },
    limit = PAGE_SIZE,
  ): Promise<HistoryPage> {
    if (this.options.catchUpVia === 'rest') {
      return historyPage(this.options.baseUrl, this.user, chatId, { ...cursor, limit });
    }
    const outcome = await this.call<HistoryPage>((socket, done) =>
      socket
        .timeout(HISTORY_ACK_TIMEOUT_MS)
        .emit('chat:history', { chatId, ...cursor, limit }, done),
    );
    if (outcome.kind !== 'ok') throw new Error(`chat:history: ${outcomeKind(outcome)}`);
    return outcome.data;
  }
}
