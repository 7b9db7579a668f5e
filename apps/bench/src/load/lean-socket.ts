import WebSocket from 'ws';

/**
 * A lean Socket.IO v4 client (Engine.IO 4 over WebSocket only, default namespace): enough of
 * the protocol for the benchmark, with frames handled as Buffers so that receiving a
 * broadcast costs a prefix comparison, not a JSON parse. Wire format:
 *   server `0{...}` open → client `40{auth}` → server `40{"sid"}` or `44{"message"}`;
 *   events `42["name",data]`, with an ack id `42<id>["name",data]`, answered `43<id>[data]`;
 *   heartbeat: server `2`, client `3`.
 */
export type FrameHandler = (frame: Buffer) => void;

const CH_0 = 0x30;
const CH_1 = 0x31;
const CH_2 = 0x32;
const CH_3 = 0x33;
const CH_4 = 0x34;
const CH_9 = 0x39;

const SESSION = Buffer.from('42["session"');

export class ConnectError extends Error {}

export class LeanSocket {
  private ws: WebSocket | null = null;
  private ackSeq = 0;
  private readonly acks = new Map<number, (body: string) => void>();
  /** Event frames (`42[...]`) other than `session`, raw. */
  onEvent: FrameHandler = () => undefined;
  /** Called once when the connection closes for any reason. */
  onClose: () => void = () => undefined;
  ready = false;

  constructor(private readonly baseUrl: string) {}

  /**
   * Connects and resolves once the server has sent `session` (the API sends it after the
   * socket has joined its rooms, and so does the relay).
   */
  open(auth: Record<string, unknown>, timeoutMs: number): Promise<void> {
    this.ready = false;
    this.acks.clear();
    const url = `${this.baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    this.ws = ws;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          ws.terminate();
          reject(error);
        } else resolve();
      };
      const timer = setTimeout(
        () => settle(new ConnectError(`no session within ${timeoutMs} ms`)),
        timeoutMs,
      );
      ws.on('message', (data: WebSocket.RawData) => {
        if (this.ws !== ws) return;
        const frame = Buffer.isBuffer(data)
          ? data
          : Array.isArray(data)
            ? Buffer.concat(data)
            : Buffer.from(data);
        const c0 = frame[0];
        if (c0 === CH_4) {
          const c1 = frame[1];
          if (c1 === CH_2) {
            if (!this.ready && frame.compare(SESSION, 0, SESSION.length, 0, SESSION.length) === 0) {
              this.ready = true;
              settle();
              return;
            }
            this.onEvent(frame);
          } else if (c1 === CH_3) this.answer(frame);
          else if (c1 === CH_4) settle(new ConnectError(connectErrorMessage(frame)));
          else if (c1 === CH_1) ws.close();
        } else if (c0 === CH_2) ws.send('3');
        else if (c0 === CH_0) ws.send(`40${JSON.stringify(auth)}`);
      });
      ws.on('error', (error) => settle(new ConnectError(error.message)));
      ws.on('close', () => {
        settle(new ConnectError('closed before the session event'));
        if (this.ws !== ws) return;
        this.ready = false;
        this.failPending();
        this.onClose();
      });
    });
  }

  get isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends `42<id>["event",<json>]`; `onAck` receives the raw `[...]` answer. */
  emit(event: string, json: string, onAck: (body: string) => void): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      onAck('[{"ok":false,"error":{"code":"disconnected","message":"socket closed"}}]');
      return;
    }
    const id = ++this.ackSeq;
    this.acks.set(id, onAck);
    ws.send(`42${id}["${event}",${json}]`);
  }

  /** Fails every pending ack (the socket went away). */
  failPending(): void {
    const pending = [...this.acks.values()];
    this.acks.clear();
    for (const onAck of pending) {
      onAck('[{"ok":false,"error":{"code":"disconnected","message":"socket closed"}}]');
    }
  }

  /** An abrupt drop, as a network failure or a killed client would cause. */
  drop(): void {
    this.ready = false;
    this.ws?.terminate();
    this.failPending();
  }

  close(): void {
    this.ready = false;
    this.ws?.close();
  }

  private answer(frame: Buffer): void {
    let id = 0;
    let i = 2;
    for (; i < frame.length; i++) {
      const c = frame[i] ?? 0;
      if (c < CH_0 || c > CH_9) break;
      id = id * 10 + (c - CH_0);
    }
    const onAck = this.acks.get(id);
    if (!onAck) return;
    this.acks.delete(id);
    onAck(frame.toString('utf8', i));
  }
}

function connectErrorMessage(frame: Buffer): string {
  try {
    const body = JSON.parse(frame.toString('utf8', 2)) as { message?: string };
    return `connect_error: ${body.message ?? 'unknown'}`;
  } catch {
    return 'connect_error';
  }
}

/** `[{"ok":true,...` */
export const ACK_OK_PREFIX = '[{"ok":true';

/** The error code of a failed ack body, for counting. */
export function ackErrorCode(body: string): string {
  const match = /"code":"([^"]+)"/.exec(body);
  return match?.[1] ?? 'unparsed';
}
