import { Injectable } from '@nestjs/common';
import type { Ack, Message } from '@chat/shared-types';
import { mapError } from '../common/error-mapping';
import { MessagesService } from '../messages/messages.service';
import { SendRateLimiter } from '../messages/send-rate-limiter';
import { Metrics } from '../operations/metrics';
import type { ChatSocket } from './chat-server';
import { FairQueue } from './fair-queue';
import { parseSendMessage } from './send-message.payload';

type SendAck = (result: Ack<Message>) => void;

/**
 * `message:send` is the hot path, answered in socket middleware instead of through Nest's
 * handler pipeline (execution context, pipes, rxjs, filters: a third of the main thread's
 * time per message in docs/benchmarks.md). Each socket's sends take turns with other
 * sockets' (FairQueue); the sender's send token is taken first, so a flood is answered
 * `rate_limited` at almost no cost to other users; then the payload is checked by hand with
 * the DTO's rules (parseSendMessage), and MessagesService stores and announces the message.
 * Errors become failed acks, mapped as WsExceptionFilter maps the other events'.
 */
@Injectable()
export class SendFastPath {
  private readonly queue = new FairQueue();
  /** Sends read and not acked yet. */
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  /** Set by `drain`: sends read from then on are answered `unavailable` (the client retries). */
  private refusing = false;

  constructor(
    private readonly messages: MessagesService,
    private readonly limiter: SendRateLimiter,
    private readonly metrics: Metrics,
  ) {}

  /** Graceful shutdown: refuse new sends, resolve once every send already read is acked. */
  drain(): Promise<void> {
    this.refusing = true;
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Call on connection, before any packet is read: the socket's sends come here from then on. */
  route(socket: ChatSocket): void {
    socket.use(([event, ...args], next) => {
      if (event !== 'message:send') {
        next();
        return;
      }
      // As Nest's adapter reads a packet: a trailing function is the ack, one argument the data.
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as SendAck) : null;
      const data: unknown = args.length === 1 ? args[0] : args.length === 0 ? undefined : args;
      const receivedAt = performance.now();
      this.pending++;
      this.queue.push(
        socket.id,
        () =>
          void this.send(socket, data).then((result) => {
            ack?.(result);
            this.acked(result, receivedAt);
          }),
      );
    });
    // Sends still queued for a socket that is gone are dropped: no longer pending either.
    socket.once('disconnect', () => this.settle(this.queue.forget(socket.id)));
  }

  private acked(result: Ack<Message>, receivedAt: number): void {
    const outcome = result.ok ? 'ok' : result.error.code;
    this.metrics.ackLatency.observe({ outcome }, (performance.now() - receivedAt) / 1000);
    this.settle(1);
  }

  private settle(count: number): void {
    this.pending -= count;
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private async send(socket: ChatSocket, data: unknown): Promise<Ack<Message>> {
    if (this.refusing) {
      return {
        ok: false,
        error: { code: 'unavailable', message: 'This instance is shutting down' },
      };
    }
    try {
      const { user } = socket.data;
      await this.limiter.take(user.id);
      const payload = parseSendMessage(data);
      const { message } = await this.messages.send(user, payload.chatId, payload);
      return { ok: true, data: message };
    } catch (error) {
      const { code, message } = mapError(error);
      return { ok: false, error: { code, message } };
    }
  }
}
