import {
  NO_NUL_PATTERN,
  type CreateChatPayload,
  type ReadRequest,
  type TypingRequest,
} from '@chat/shared-types';
import { IsBoolean, IsString, Length, Matches } from 'class-validator';
import { CreateChatDto } from '../../chats/dto/create-chat.dto';
import { MarkReadDto } from '../../chats/dto/mark-read.dto';

export { SendMessageEventDto } from '../../messages/dto/send-message.dto';
export { HistoryEventDto } from '../../messages/dto/history-query.dto';

export class CreateChatEventDto extends CreateChatDto implements CreateChatPayload {}

export class ReadEventDto extends MarkReadDto implements ReadRequest {
  @IsString()
  @Length(1, 200)
  @Matches(NO_NUL_PATTERN, { message: 'chatId must not contain NUL characters' })
  chatId!: string;
}

export class TypingEventDto implements TypingRequest {
  @IsString()
  @Length(1, 200)
  @Matches(NO_NUL_PATTERN, { message: 'chatId must not contain NUL characters' })
  chatId!: string;

  @IsBoolean()
  isTyping!: boolean;
}
