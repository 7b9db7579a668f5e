import type { ChatSocket } from '../app/core/realtime/chat-socket.service';

type Listener = (...args: never[]) => void;

export interface SentPacket {
  event: string;
  payload: unknown;
  ack: (result: unknown) => void;
}

/**
 * A stand-in for the Socket.IO client socket: the on/off/emit surface the app uses, plus
 * helpers to play the server's part (connect, drop, push events, answer acks).
 */
export class FakeChatSocket {
  connected = false;
  active = false;
  readonly sent: SentPacket[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): this {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(event, set);
    return this;
  }

  off(event: string, listener: Listener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  emit(event: string, payload: unknown, ack: (result: unknown) => void): this {
    this.sent.push({ event, payload, ack });
    return this;
  }

  connect(): this {
    this.active = true;
    return this;
  }

  disconnect(): this {
    this.active = false;
    if (this.connected) {
      this.connected = false;
      this.fire('disconnect', 'io client disconnect');
    }
    return this;
  }

  // --- the server's side ---

  /** The handshake succeeded. */
  serverAccepts(): void {
    this.connected = true;
    this.fire('connect');
  }

  /** The transport dropped; Socket.IO would retry on its own. */
  drop(): void {
    this.connected = false;
    this.fire('disconnect', 'transport close');
  }

  push(event: string, payload: unknown): void {
    this.fire(event, payload);
  }

  listenerCount(event?: string): number {
    if (event) return this.listeners.get(event)?.size ?? 0;
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }

  /** Packets of one event the client emitted, oldest first. */
  sentOf(event: string): SentPacket[] {
    return this.sent.filter((packet) => packet.event === event);
  }

  /** The packet of one event the client emitted at `index` (sentOf); fails the test if none. */
  sentAt(event: string, index: number): SentPacket {
    const packets = this.sentOf(event);
    const packet = packets.at(index);
    if (!packet) throw new Error(`no ${event} packet at ${index}: ${packets.length} sent`);
    return packet;
  }

  asSocket(): ChatSocket {
    return this as unknown as ChatSocket;
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      (listener as (...a: unknown[]) => void)(...args);
    }
  }
}
