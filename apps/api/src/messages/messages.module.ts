import { Module } from '@nestjs/common';
import { ChatsModule } from '../chats/chats.module';
import { EventsModule } from '../common/events/events.module';
import { MessageChangesController } from './message-changes.controller';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { MessageWriter } from './message-writer';
import { SendRateLimiter } from './send-rate-limiter';

@Module({
  imports: [ChatsModule, EventsModule],
  controllers: [MessagesController, MessageChangesController],
  providers: [MessagesService, MessageWriter, SendRateLimiter],
  exports: [MessagesService, SendRateLimiter, MessageWriter],
})
export class MessagesModule {}
