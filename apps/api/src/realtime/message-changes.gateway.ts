import { UseFilters, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Ack, ChangesPage, Message } from '@chat/shared-types';
import { WsExceptionFilter } from '../common/filters/ws-exception.filter';
import { createValidationPipe } from '../common/validation';
import {
  DeleteMessageEventDto,
  EditMessageEventDto,
  ReactionEventDto,
} from '../messages/dto/change-message.dto';
import { ChangesEventDto } from '../messages/dto/changes-query.dto';
import { MessagesService } from '../messages/messages.service';
import { SendRateLimiter } from '../messages/send-rate-limiter';
import type { ChatSocket } from './chat-server';

const ok = <T>(data: T): Ack<T> => ({ ok: true, data });

/**
 * The socket side of messages that change: `message:edit`, `message:delete`, `reaction:set`
 * (each takes a send token first, like `message:send`) and `chat:changes`. MessagesService
 * announces each change (`message.updated`), which Broadcaster sends to the chat's room as
 * `message:updated`; errors become failed acks and the socket stays connected.
 */
@WebSocketGateway({ serveClient: false })
@UseFilters(WsExceptionFilter)
@UsePipes(createValidationPipe())
export class MessageChangesGateway {
  constructor(
    private readonly messages: MessagesService,
    private readonly limiter: SendRateLimiter,
  ) {}

  @SubscribeMessage('message:edit')
  async edit(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: EditMessageEventDto,
  ): Promise<Ack<Message>> {
    const { user } = socket.data;
    await this.limiter.take(user.id);
    return ok(await this.messages.edit(user, payload.chatId, payload.messageId, payload.content));
  }

  @SubscribeMessage('message:delete')
  async remove(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: DeleteMessageEventDto,
  ): Promise<Ack<Message>> {
    const { user } = socket.data;
    await this.limiter.take(user.id);
    return ok(await this.messages.remove(user, payload.chatId, payload.messageId));
  }

  @SubscribeMessage('reaction:set')
  async react(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: ReactionEventDto,
  ): Promise<Ack<Message>> {
    const { user } = socket.data;
    await this.limiter.take(user.id);
    const { chatId, messageId, emoji, on } = payload;
    return ok(await this.messages.react(user, chatId, messageId, emoji, on));
  }

  @SubscribeMessage('chat:changes')
  async changes(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: ChangesEventDto,
  ): Promise<Ack<ChangesPage>> {
    const { user } = socket.data;
    return ok(await this.messages.changes(user.id, payload.chatId, payload, socket.rooms));
  }
}
