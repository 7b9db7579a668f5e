import {
  HANDSHAKE_UNAUTHORIZED,
  type Ack,
  type ChangesPage,
  type ErrorCode,
  type HistoryPage,
  type Message,
} from '@chat/shared-types';
import type { ChatSocket } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { changesPage, historyPage, listChats, type TestUser } from './http';
import { sleep } from './timing';

const PAGE_SIZE = 100;
const CHANGES_PAGE_SIZE = 500;
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

/** A change of a message, as its socket event is named. */
export type ChangeRequest =
  | { kind: 'message:edit'; chatId: string; messageId: string; content: string }
  | { kind: 'message:delete'; chatId: string; messageId: string }
  | { kind: 'reaction:set'; chatId: string; messageId: string; emoji: string; on: boolean };

/** One logical change: every attempt, and the message's state once acknowledged. */
export interface ChangeRecord {
  request: ChangeRequest;
  /** Who asked (a reaction is theirs). */
  userId: string;
  attempts: SendAttempt[];
  message: Message | null;
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
  /** Live events held back while a catch-up runs, so they follow what they follow. */
  buffer: Held[] | null = null;
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

  /** Each shown message's current state (what `shown` holds), by id. */
  private readonly current = new Map<string, Message>();
  /**
   * Where the next `changes` catch-up starts: the `version` of the last page of the last
   * finished one (live events never move it). Null: the view does not follow changes.
   */
  changesCursor: bigint | null;
  /** Per message, the newest version a `changes` page gave: the feed's own account. */
  readonly viaChanges = new Map<string, bigint>();
  /** States given by `changes` pages. */
  changesSeen = 0;
  /** A `changes` entry at or below the `since` asked, or an (id, version) the feed gave before. */
  changesTwice = 0;
  /** `changes` catch-ups skipped because the chat's `version` had not moved. */
  changesSkipped = 0;
  /** Newer states applied from live `message:updated`. */
  updatedLive = 0;
  /** States (live `message:updated` or a `changes` page) not newer than the one held: dropped. */
  staleDropped = 0;
  /** Live `message:updated` for a message the view does not show (yet): left to catch-up. */
  updatesOfUnknown = 0;

  constructor(
    readonly chatId: string,
    /** The newest id before the view was opened; the view holds what came after it. */
    readonly sinceId: string | null,
    /** The chat's `version` when the view was opened, to follow changes from; or null. */
    changesSince: string | null = null,
  ) {
    this.lastId = sinceId === null ? 0n : BigInt(sinceId);
    this.confirmedId = this.lastId;
    this.changesCursor = changesSince === null ? null : BigInt(changesSince);
  }

  /** The state shown for a message, if it is shown. */
  stateOf(id: string): Message | undefined {
    return this.current.get(id);
  }

  /**
   * A newer state of a shown message (edited, deleted, reacted to) replaces the one held,
   * only when its version is greater; true when applied.
   */
  update(message: Message): boolean {
    const held = this.current.get(message.id);
    if (!held || message.chatId !== this.chatId) return false;
    if (BigInt(message.version) <= BigInt(held.version)) return false;
    this.current.set(message.id, message);
    for (let at = this.shown.length - 1; at >= 0; at--) {
      if (this.shown[at]?.id === message.id) {
        this.shown[at] = message;
        break;
      }
    }
    return true;
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
      // A catch-up page may carry a newer state than the copy first shown.
      this.update(message);
      return;
    }
    if (this.sinceId !== null && id <= BigInt(this.sinceId)) return;
    this.ids.add(message.id);
    this.current.set(message.id, message);
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

/** A live `message:new` or `message:updated` held back while a catch-up runs. */
type Held = { event: 'new' | 'updated'; message: Message };

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
  changesPages = 0;
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
    this.socket.on('message:new', (message) => this.onLive('new', message));
    this.socket.on('message:updated', (message) => this.onLive('updated', message));
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

  /**
   * Starts showing a chat from after `sinceId`, and catches it up once connected. With
   * `changesSince` (the chat's `version` now), every catch-up also pages `changes` from the
   * view's cursor when the chat's `version` (GET /api/chats) has moved past it.
   */
  watch(chatId: string, sinceId: string | null, changesSince: string | null = null): ChatView {
    const view = new ChatView(chatId, sinceId, changesSince);
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

  /**
   * Edits, deletes or reacts, retrying the same request on the same outcomes as `send` until
   * acknowledged or `deadline`; a repeat changes nothing and answers the same state.
   */
  async change(request: ChangeRequest, deadline = Date.now() + 120_000): Promise<ChangeRecord> {
    const record: ChangeRecord = { request, userId: this.user.id, attempts: [], message: null };
    let backoff = 50;
    while (Date.now() < deadline && !this.closed) {
      await this.waitReady(deadline);
      const emittedAt = Date.now();
      const outcome = await this.emitChange(request);
      const kind = outcomeKind(outcome);
      record.attempts.push({ emittedAt, answeredAt: Date.now(), outcome: kind });
      if (outcome.kind === 'ok') {
        record.message = outcome.data;
        return record;
      }
      if (!RETRYABLE.has(kind)) {
        throw new Error(
          `${request.kind} of ${request.messageId} answered ${kind}: ${
            outcome.kind === 'error' ? outcome.message : ''
          }`,
        );
      }
      this.retries.set(kind, (this.retries.get(kind) ?? 0) + 1);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 500);
    }
    throw new Error(
      `${this.user.login}: no acknowledgement for ${request.kind} of ${request.messageId} ` +
        `by the deadline (${record.attempts.map((a) => a.outcome).join(', ')})`,
    );
  }

  /** One change event, no retry. */
  emitChange(
    request: ChangeRequest,
    timeoutMs = this.options.sendAckTimeoutMs ?? 5_000,
  ): Promise<Outcome<Message>> {
    const { chatId, messageId } = request;
    return this.call<Message>((socket, done) => {
      const timed = socket.timeout(timeoutMs);
      if (request.kind === 'message:edit') {
        timed.emit('message:edit', { chatId, messageId, content: request.content }, done);
      } else if (request.kind === 'message:delete') {
        timed.emit('message:delete', { chatId, messageId }, done);
      } else {
        const { emoji, on } = request;
        timed.emit('reaction:set', { chatId, messageId, emoji, on }, done);
      }
    });
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

  private onLive(event: Held['event'], message: Message): void {
    const view = this.views.get(message.chatId);
    if (!view) {
      this.ignoredLive++;
      return;
    }
    if (view.buffer) view.buffer.push({ event, message });
    else this.applyLive(view, { event, message });
  }

  private applyLive(view: ChatView, { event, message }: Held): void {
    if (event === 'new') return view.take(message, 'live');
    if (!view.stateOf(message.id)) view.updatesOfUnknown++;
    else if (view.update(message)) view.updatedLive++;
    else view.staleDropped++;
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
          const follows = [...this.views.values()].some((view) => view.changesCursor !== null);
          // One GET /api/chats per run: which chats' `version` moved.
          const versions = follows
            ? new Map(
                (await listChats(this.options.baseUrl, this.user)).map((c) => [c.id, c.version]),
              )
            : null;
          for (const view of this.views.values()) {
            await this.catchUp(view, versions?.get(view.chatId) ?? null);
          }
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

  private async catchUp(view: ChatView, chatVersion: string | null): Promise<void> {
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
    await this.catchUpChanges(view, chatVersion);
    const held = view.buffer ?? [];
    view.buffer = null;
    for (const event of held) this.applyLive(view, event);
  }

  /**
   * Pages `changes` from the view's cursor while `hasMore`, when the chat's `version` has moved
   * past it; each state is applied if newer than the one shown (a message not shown yet is
   * taken as new). The cursor moves only when the catch-up finished.
   */
  private async catchUpChanges(view: ChatView, chatVersion: string | null): Promise<void> {
    if (view.changesCursor === null) return;
    if (chatVersion === null || BigInt(chatVersion) <= view.changesCursor) {
      view.changesSkipped++;
      return;
    }
    let since = view.changesCursor;
    for (;;) {
      const page = await this.fetchChanges(view.chatId, since.toString());
      this.changesPages++;
      for (const message of page.messages) {
        const version = BigInt(message.version);
        const before = view.viaChanges.get(message.id);
        view.changesSeen++;
        if (version <= since || (before !== undefined && version <= before)) view.changesTwice++;
        else view.viaChanges.set(message.id, version);
        // A live message:updated may have brought this state, or a newer one, already.
        if (!view.stateOf(message.id)) view.take(message, 'catch-up');
        else view.update(message);
      }
      since = BigInt(page.version);
      if (!page.hasMore || page.messages.length === 0) break;
    }
    view.changesCursor = since;
  }

  /** One `changes` page, over the socket or REST as the client is set up to. */
  async fetchChanges(chatId: string, since: string): Promise<ChangesPage> {
    if (this.options.catchUpVia === 'rest') {
      return changesPage(this.options.baseUrl, this.user, chatId, since, CHANGES_PAGE_SIZE);
    }
    const outcome = await this.call<ChangesPage>((socket, done) =>
      socket
        .timeout(HISTORY_ACK_TIMEOUT_MS)
        .emit('chat:changes', { chatId, since, limit: CHANGES_PAGE_SIZE }, done),
    );
    if (outcome.kind !== 'ok') throw new Error(`chat:changes: ${outcomeKind(outcome)}`);
    return outcome.data;
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
