import type {
  DeleteMessageRequest,
  EditMessageBody,
  EditMessageRequest,
  ReactionRequest,
} from '@chat/shared-types';
import { Transform } from 'class-transformer';
import { IsBoolean, IsString } from 'class-validator';
import { IsChatId } from '../../common/decorators/is-chat-id.decorator';
import { IsMessageContent } from '../../common/decorators/is-message-content.decorator';
import { IsReactionEmoji } from '../../common/decorators/is-reaction-emoji.decorator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** PATCH /api/chats/:id/messages/:messageId */
export class EditMessageDto implements EditMessageBody {
  /** 1-4000 characters after trimming; plain text (as when sending) */
  @Transform(trim)
  @IsMessageContent()
  content!: string;
}

/** `message:edit` */
export class EditMessageEventDto extends EditMessageDto implements EditMessageRequest {
  @IsChatId()
  chatId!: string;

  /** Any string: an id that is not a message of the chat is `not_found` */
  @IsString()
  messageId!: string;
}

/** `message:delete` */
export class DeleteMessageEventDto implements DeleteMessageRequest {
  @IsChatId()
  chatId!: string;

  @IsString()
  messageId!: string;
}

/** `reaction:set` */
export class ReactionEventDto implements ReactionRequest {
  @IsChatId()
  chatId!: string;

  @IsString()
  messageId!: string;

  @IsReactionEmoji()
  emoji!: string;

  /** true sets the caller's emoji, false clears it */
  @IsBoolean()
  on!: boolean;
}
