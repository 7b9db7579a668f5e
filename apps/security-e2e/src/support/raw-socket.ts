import { sleep } from '@chat/test-harness';
import WebSocket from 'ws';
import type { SecurityApi } from './api';

export interface RawOpenOptions {
  origin?: string;
  headers?: Record<string, string>;
  /** Extra query string, e.g. `&token=…`. */
  query?: string;
  timeoutMs?: number;
}

export type RawFrame = string | Buffer;

const openRawSockets = new Set<WebSocket>();

/** Closes every raw socket the test opened (the global afterEach calls it). */
export function closeAllRawSockets(): void {
  for (const ws of openRawSockets) ws.terminate();
  openRawSockets.clear();
}

/**
 * An engine.io v4 connection over a bare WebSocket, to send what socket.io-client never
 * would: packets are frames, `0{…}` open, `2`/`3` ping/pong, `4…` a Socket.IO packet
 * (`40{auth}` connect, `42[…]` event, `451-[…]` event with one binary attachment).
 */
export class RawEngineSocket {
  readonly frames: RawFrame[] = [];
  closeCode: number | null = null;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = isBinary ? data : data.toString('utf8');
      // Answer the server's heartbeat like a real client, so it never times us out.
      if (frame === '2') ws.send('3');
      this.frames.push(frame);
      this.wake();
    });
    ws.on('close', (code: number) => {
      this.closeCode = code;
      this.wake();
    });
    ws.on('error', () => this.wake());
  }

  /** Connects and waits for the engine.io open packet; rejects when the upgrade is refused. */
  static open(api: SecurityApi, options: RawOpenOptions = {}): Promise<RawEngineSocket> {
    const url = `ws://127.0.0.1:${api.port}/socket.io/?EIO=4&transport=websocket${options.query ?? ''}`;
    const ws = new WebSocket(url, {
      origin: options.origin,
      headers: options.headers,
      perMessageDeflate: false,
      handshakeTimeout: options.timeoutMs ?? 4_000,
    });
    openRawSockets.add(ws);
    ws.on('close', () => openRawSockets.delete(ws));
    const socket = new RawEngineSocket(ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('no engine.io open packet in time'));
      }, options.timeoutMs ?? 4_000);
      ws.once('unexpected-response', (_request, response) => {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`upgrade refused: ${response.statusCode}`));
      });
      ws.once('error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
      void socket
        .waitFor((frame) => typeof frame === 'string' && frame.startsWith('0'))
        .then((frame) => {
          clearTimeout(timer);
          if (frame === null) reject(new Error(`closed before the open packet`));
          else resolve(socket);
        });
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: RawFrame): boolean {
    if (!this.open) return false;
    this.ws.send(frame);
    return true;
  }

  /** Connects to the main namespace with `auth`; resolves with the server's `40`/`44` answer. */
  async connectNamespace(auth: unknown, timeoutMs = 4_000): Promise<string | null> {
    const from = this.frames.length;
    this.send(`40${JSON.stringify(auth)}`);
    const answer = await this.waitFor(
      (frame) => typeof frame === 'string' && /^4[04]/.test(frame),
      timeoutMs,
      from,
    );
    return typeof answer === 'string' ? answer : null;
  }

  /**
   * The first frame (from index `from`) that matches, or null when the socket closes or the
   * time runs out first.
   */
  waitFor(
    match: (frame: RawFrame) => boolean,
    timeoutMs = 4_000,
    from = 0,
  ): Promise<RawFrame | null> {
    return new Promise((resolve) => {
      let index = from;
      const check = (): void => {
        for (; index < this.frames.length; index++) {
          const frame = this.frames[index];
          if (frame !== undefined && match(frame)) {
            finish(frame);
            return;
          }
        }
        if (this.closeCode !== null || this.ws.readyState >= WebSocket.CLOSING) finish(null);
      };
      const finish = (frame: RawFrame | null) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(frame);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves once the server has closed the connection (true), or false after `timeoutMs`. */
  async closedByServer(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.ws.readyState === WebSocket.CLOSED) return true;
      await sleep(20);
    }
    return this.ws.readyState === WebSocket.CLOSED;
  }

  close(): void {
    this.ws.terminate();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
