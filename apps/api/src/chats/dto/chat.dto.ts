import { CHAT_KINDS, type Chat, type ChatKind, type ChatMember } from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';
import { MessageDto } from '../../messages/dto/message.dto';
import { UserDto } from '../../users/dto/user.dto';

export class ChatMemberDto extends UserDto implements ChatMember {
  /** How far this member has read (for read receipts); null when nothing was read yet */
  @ApiProperty({ type: String, nullable: true })
  lastReadId!: string | null;
}

export class ChatDto implements Chat {
  /** `all`, or `dm:<min user id>:<max user id>` */
  id!: string;

  @ApiProperty({ enum: CHAT_KINDS })
  kind!: ChatKind;

  /** `All`, or the other member's full name as seen by the caller */
  title!: string;

  members!: ChatMemberDto[];

  @ApiProperty({ type: MessageDto, nullable: true })
  lastMessage!: MessageDto | null;

  /** Messages after lastReadId not sent by the caller */
  unreadCount!: number;

  @ApiProperty({ type: String, nullable: true })
  lastReadId!: string | null;
}
