import { Injectable } from '@nestjs/common';
import type { Ack, Message } from '@chat/shared-types';
import { mapError } from '../common/error-mapping';
import { MessagesService } from '../messages/messages.service';
import { SendRateLimiter } from '../messages/send-rate-limiter';
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

  constructor(
    private readonly messages: MessagesService,
    private readonly limiter: SendRateLimiter,
  ) {}

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
      this.queue.push(
        socket.id,
        () => void this.send(socket, data).then((result) => ack?.(result)),
      );
    });
    socket.once('disconnect', () => this.queue.forget(socket.id));
  }

  private async send(socket: ChatSocket, data: unknown): Promise<Ack<Message>> {
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
