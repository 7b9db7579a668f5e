import { Module } from '@nestjs/common';
import { ChatsModule } from '../chats/chats.module';
import { EventsModule } from '../common/events/events.module';
import { MessagesModule } from '../messages/messages.module';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

/** Group chats (contract "Groups"): create, rename, members, roles. */
@Module({
  imports: [ChatsModule, MessagesModule, EventsModule],
  controllers: [GroupsController],
  providers: [GroupsService],
  exports: [GroupsService],
})
export class GroupsModule {}
