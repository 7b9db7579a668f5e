import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChatsModule } from '../chats/chats.module';
import { EventsModule } from '../common/events/events.module';
import { GroupsModule } from '../groups/groups.module';
import { MessagesModule } from '../messages/messages.module';
import { PresenceModule } from '../presence/presence.module';
import { Broadcaster } from './broadcaster.service';
import { ChatGateway } from './chat.gateway';
import { HandshakeAuth } from './handshake-auth';
import { MessageChangesGateway } from './message-changes.gateway';
import { PresenceTracker } from './presence-tracker';
import { PresenceWatchGateway } from './presence-watch.gateway';
import { SendFastPath } from './send-fast-path';

/**
 * Socket.IO: the gateway and what it is made of. Depends on the features; no feature
 * depends on it (eslint.config.mjs forbids the import): they announce what happened on
 * DomainEvents, and Broadcaster decides who hears it.
 */
@Module({
  imports: [AuthModule, ChatsModule, MessagesModule, GroupsModule, EventsModule, PresenceModule],
  providers: [
    ChatGateway,
    MessageChangesGateway,
    PresenceWatchGateway,
    HandshakeAuth,
    SendFastPath,
    PresenceTracker,
    Broadcaster,
  ],
})
export class RealtimeModule {}
