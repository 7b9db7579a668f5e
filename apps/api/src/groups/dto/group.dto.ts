import {
  LIMITS,
  NO_NUL_PATTERN,
  type AddMembersRequest,
  type CreateGroupRequest,
  type RenameChatRequest,
  type SetRoleRequest,
} from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

const lower = ({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? value.map((v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v))
    : value;
const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

export class GroupTitleDto implements RenameChatRequest {
  /** 1-64 characters after trimming */
  @Transform(trimmed)
  @IsString({ message: 'title must be a string' })
  @MinLength(1, { message: `title must be 1-${LIMITS.groupTitleMax} characters` })
  @MaxLength(LIMITS.groupTitleMax, {
    message: `title must be 1-${LIMITS.groupTitleMax} characters`,
  })
  @Matches(NO_NUL_PATTERN, { message: 'title must not contain NUL' })
  title!: string;
}

export class AddMembersDto implements AddMembersRequest {
  /** Users to add (their ids); those already in the group are ignored */
  @Transform(lower)
  @IsArray({ message: 'userIds must be an array of user ids' })
  @ArrayMinSize(1, { message: 'userIds must name at least one user' })
  @ArrayMaxSize(LIMITS.groupMembersMax - 1, { message: 'userIds: too many users' })
  @IsUUID('all', { each: true, message: 'userIds must be user ids (UUID)' })
  userIds!: string[];
}

export class SetRoleDto implements SetRoleRequest {
  @ApiProperty({ enum: ['admin', 'member'] })
  @IsIn(['admin', 'member'], { message: "role must be 'admin' or 'member'" })
  role!: 'admin' | 'member';
}

/** The group half of POST /api/chats (CreateChatDto carries either half). */
export type CreateGroup = CreateGroupRequest;
