import { Module } from '@nestjs/common';
import { EventsModule } from '../common/events/events.module';
import { UsersModule } from '../users/users.module';
import { ChatMembersService } from './chat-members.service';
import { ChatsController } from './chats.controller';
import { ChatsService } from './chats.service';

@Module({
  imports: [EventsModule, UsersModule],
  controllers: [ChatsController],
  providers: [ChatsService, ChatMembersService],
  exports: [ChatsService],
})
export class ChatsModule {}
