import {
  CHAT_KINDS,
  CHAT_ROLES,
  type ChatRole,
  MESSAGE_ID_PATTERN,
  type Chat,
  type ChatKind,
  type ChatMember,
} from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';
import { MessageDto } from '../../messages/dto/message.dto';
import { UserDto } from '../../users/dto/user.dto';

export class ChatMemberDto extends UserDto implements ChatMember {
  /** How far this member has read (for read receipts); null when nothing was read yet */
  @ApiProperty({ type: String, nullable: true, pattern: MESSAGE_ID_PATTERN.source })
  lastReadId!: string | null;

  /** In a group: owner, admin or member; always `member` outside groups */
  @ApiProperty({ enum: CHAT_ROLES })
  role!: ChatRole;
}

export class ChatDto implements Chat {
  /** `all`, `dm:<min user id>:<max user id>`, or `g:<uuid>` for a group */
  id!: string;

  @ApiProperty({ enum: CHAT_KINDS })
  kind!: ChatKind;

  /** `All`, the other member's full name as seen by the caller, or a group's name */
  title!: string;

  /** Every member of a direct chat; of `All`, at most 50 (direct-chat peers first, then by name) */
  members!: ChatMemberDto[];

  /** How many members the chat has */
  @ApiProperty({ type: 'integer', minimum: 0 })
  memberCount!: number;

  /** False when `members` is not every member: page them with GET /api/chats/:id/members */
  membersComplete!: boolean;

  @ApiProperty({ type: MessageDto, nullable: true })
  lastMessage!: MessageDto | null;

  /** Messages after lastReadId not sent by the caller: exact up to 999, any number ≥ 999 above */
  @ApiProperty({ type: 'integer', minimum: 0 })
  unreadCount!: number;

  @ApiProperty({ type: String, nullable: true, pattern: MESSAGE_ID_PATTERN.source })
  lastReadId!: string | null;

  /** The greatest message version in the chat ('0' if none): where `changes` would start */
  @ApiProperty({ example: '42' })
  version!: string;
}
