import {
  LIMITS,
  type AddMembersRequest,
  type CreateGroupRequest,
  type RenameChatRequest,
  type SetRoleRequest,
} from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsGroupTitle } from '../../common/decorators/is-group-title.decorator';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsUUID } from 'class-validator';

const lower = ({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? value.map((v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v))
    : value;
const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

export class GroupTitleDto implements RenameChatRequest {
  /** 1-64 characters after trimming */
  @ApiProperty({ minLength: 1, maxLength: LIMITS.groupTitleMax })
  @Transform(trimmed)
  @IsGroupTitle()
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
