import { UseFilters, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import {
  directPeers,
  LIMITS,
  type Ack,
  type PresenceWatchRequest,
  type PresenceWatchResult,
} from '@chat/shared-types';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsUUID } from 'class-validator';
import { WsExceptionFilter } from '../common/filters/ws-exception.filter';
import { createValidationPipe } from '../common/validation';
import { PresenceService } from '../presence/presence.service';
import { audienceRoom, type ChatSocket } from './chat-server';

export class PresenceWatchEventDto implements PresenceWatchRequest {
  // Ids are lower-case; any case names the same user.
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value)
      ? value.map((id: unknown) => (typeof id === 'string' ? id.toLowerCase() : id))
      : value,
  )
  @IsArray()
  @ArrayMaxSize(LIMITS.presenceWatchMax)
  @IsUUID('all', { each: true, message: 'userIds must hold user ids (UUIDs)' })
  userIds!: string[];
}

/**
 * `presence:watch`: a client showing people it shares no direct chat with (the member list of
 * `All`, search results) asks for their presence. The socket joins their audience rooms
 * (Broadcaster sends each user's changes there, on every instance) and leaves those of the
 * previous list that no direct chat keeps it in.
 */
@WebSocketGateway({ serveClient: false })
@UseFilters(WsExceptionFilter)
@UsePipes(createValidationPipe())
export class PresenceWatchGateway {
  constructor(private readonly presence: PresenceService) {}

  @SubscribeMessage('presence:watch')
  async watch(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() payload: PresenceWatchEventDto,
  ): Promise<Ack<PresenceWatchResult>> {
    const wanted = [...new Set(payload.userIds)];
    const keep = new Set([...wanted, ...directPeers(socket.data.user.id, socket.rooms)]);
    for (const userId of socket.data.watching ?? []) {
      if (!keep.has(userId)) void socket.leave(audienceRoom(userId));
    }
    // Joined before reading the store: a change after the read is heard, one before is in it.
    await socket.join(wanted.map(audienceRoom));
    socket.data.watching = wanted;
    const online = await this.presence.onlineAmong(wanted);
    return { ok: true, data: { online: wanted.filter((id) => online.has(id)) } };
  }
}
