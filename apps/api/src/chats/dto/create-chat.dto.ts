import { LIMITS, type CreateChatRequest, type CreateGroupRequest } from '@chat/shared-types';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsGroupTitle } from '../../common/decorators/is-group-title.decorator';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID, ValidateIf } from 'class-validator';

type Body = Partial<CreateChatRequest & CreateGroupRequest>;

/** A direct chat's body (`peerId`), unless the body names a group (`title`, `memberIds`). */
const isDirect = (body: Body) =>
  body.peerId !== undefined || (body.title === undefined && body.memberIds === undefined);

/** POST /api/chats: `{ peerId }` opens a direct chat; `{ title, memberIds }` creates a group. */
export class CreateChatDto implements Body {
  /** The other user's id. Ids are lower-case; any case names the same user (and one chat). */
  @ApiPropertyOptional({ format: 'uuid' })
  @ValidateIf(isDirect)
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsUUID('all', { message: 'peerId must be a user id (UUID)' })
  peerId?: string;

  /** A new group's name: 1-64 characters after trimming */
  @ApiPropertyOptional({ minLength: 1, maxLength: LIMITS.groupTitleMax })
  @ValidateIf((body: Body) => !isDirect(body))
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsGroupTitle()
  title?: string;

  /** A new group's other members: 1-999 user ids (duplicates ignored) */
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @ValidateIf((body: Body) => !isDirect(body))
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value)
      ? value.map((v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v))
      : value,
  )
  @IsArray({ message: 'memberIds must be an array of user ids' })
  @ArrayMinSize(1, { message: 'memberIds must name at least one other user' })
  @ArrayMaxSize(LIMITS.groupMembersMax - 1, {
    message: `memberIds: at most ${LIMITS.groupMembersMax - 1} users`,
  })
  @IsUUID('all', { each: true, message: 'memberIds must be user ids (UUID)' })
  memberIds?: string[];
}
