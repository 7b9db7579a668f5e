import type { CreateChatPayload, ReadRequest, TypingRequest } from '@chat/shared-types';
import { IsBoolean, IsString, Length } from 'class-validator';
import { CreateChatDto } from '../../chats/dto/create-chat.dto';
import { MarkReadDto } from '../../chats/dto/mark-read.dto';

export { SendMessageEventDto } from '../../messages/dto/send-message.dto';
export { HistoryEventDto } from '../../messages/dto/history-query.dto';

export class CreateChatEventDto extends CreateChatDto implements CreateChatPayload {}

export class ReadEventDto extends MarkReadDto implements ReadRequest {
  @IsString()
  @Length(1, 200)
  chatId!: string;
}

export class TypingEventDto implements TypingRequest {
  @IsString()
  @Length(1, 200)
  chatId!: string;

  @IsBoolean()
  isTyping!: boolean;
}
