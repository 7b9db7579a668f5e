import type { ReadRequest, TypingRequest } from '@chat/shared-types';
import { IsBoolean } from 'class-validator';
import { CreateChatDto } from '../../chats/dto/create-chat.dto';
import { MarkReadDto } from '../../chats/dto/mark-read.dto';
import { IsChatId } from '../../common/decorators/is-chat-id.decorator';

export { HistoryEventDto } from '../../messages/dto/history-query.dto';

/** Either payload of `chat:create` (CreateChatPayload): a direct chat or a group. */
export class CreateChatEventDto extends CreateChatDto {}

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
