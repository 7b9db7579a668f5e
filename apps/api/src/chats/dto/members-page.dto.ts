import type { MembersPage } from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';
import { ChatMemberDto } from './chat.dto';

export class MembersPageDto implements MembersPage {
  /** Ordered by full name (case-insensitively), then login */
  @ApiProperty({ type: [ChatMemberDto] })
  members!: ChatMemberDto[];

  /** Pass as `after` for the next page; null on the last page */
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
