import type { CreateChatPayload, ReadRequest, TypingRequest } from '@chat/shared-types';
import { IsBoolean } from 'class-validator';
import { CreateChatDto } from '../../chats/dto/create-chat.dto';
import { MarkReadDto } from '../../chats/dto/mark-read.dto';
import { IsChatId } from '../../common/decorators/is-chat-id.decorator';

export { HistoryEventDto } from '../../messages/dto/history-query.dto';

export class CreateChatEventDto extends CreateChatDto implements CreateChatPayload {}

export class ReadEventDto extends MarkReadDto implements ReadRequest {
  @IsChatId()
  chatId!: string;
}

export class TypingEventDto implements TypingRequest {
  @IsChatId()
  chatId!: string;

  @IsBoolean()
  isTyping!: boolean;
}
