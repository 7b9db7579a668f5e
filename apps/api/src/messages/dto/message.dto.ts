import {
  ATTACHMENT_KINDS,
  MESSAGE_ID_PATTERN,
  SYSTEM_EVENT_TYPES,
  type Attachment,
  type AttachmentKind,
  type Message,
  type MessageRef,
  type Reaction,
  type SystemEvent,
  type SystemEventType,
} from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';

export class MessageRefDto implements MessageRef {
  id!: string;
  senderId!: string;
  senderName!: string;
  /** The first 200 characters of the replied-to message; '' once it is deleted */
  excerpt!: string;
  deleted!: boolean;
}

export class ReactionDto implements Reaction {
  /** One emoji */
  emoji!: string;
  count!: number;
  /** Who set it, in the order they did */
  userIds!: string[];
}

export class SystemEventDto implements SystemEvent {
  @ApiProperty({ enum: SYSTEM_EVENT_TYPES })
  type!: SystemEventType;
  actorId!: string;
  userIds!: string[];
  @ApiProperty({ type: String, nullable: true })
  title!: string | null;
}

export class AttachmentDto implements Attachment {
  id!: string;
  name!: string;
  size!: number;
  mime!: string;
  @ApiProperty({ enum: ATTACHMENT_KINDS })
  kind!: AttachmentKind;
  @ApiProperty({ type: Number, nullable: true })
  width!: number | null;
  @ApiProperty({ type: Number, nullable: true })
  height!: number | null;
  url!: string;
  @ApiProperty({ type: String, nullable: true })
  thumbnailUrl!: string | null;
}

export class MessageDto implements Message {
  /** A positive integer as a string, increasing in the order messages were stored */
  @ApiProperty({ pattern: MESSAGE_ID_PATTERN.source })
  id!: string;
  chatId!: string;
  @ApiProperty({ format: 'uuid' })
  senderId!: string;
  senderName!: string;
  /** Plain text; clients render it as text, never as HTML; '' when deleted */
  content!: string;
  /** The UUID the sender generated for this message */
  @ApiProperty({ format: 'uuid' })
  clientId!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  /** The message this one answers, as it is now */
  @ApiProperty({ type: MessageRefDto, nullable: true })
  replyTo!: MessageRefDto | null;
  /** ISO-8601 of the last edit */
  @ApiProperty({ type: String, nullable: true })
  editedAt!: string | null;
  /** A tombstone: content '', no reactions or attachments */
  deleted!: boolean;
  /** In the order each emoji was first used on the message */
  reactions!: ReactionDto[];
  /** A positive integer as a string: greater for every change, commit-ordered within the chat */
  @ApiProperty({ example: '42' })
  version!: string;
  /** A group event; null for what people wrote */
  @ApiProperty({ type: SystemEventDto, nullable: true })
  system!: SystemEventDto | null;
  /** Always empty until attachments exist */
  attachments!: AttachmentDto[];
}
