import { LIMITS, NO_NUL_PATTERN, type ListUsersQuery } from '@chat/shared-types';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export class ListUsersQueryDto implements ListUsersQuery {
  /** Only users with no direct chat with the caller yet. */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  available?: boolean;

  /** Matches login or full name, case-insensitively. */
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.searchMax)
  @Matches(NO_NUL_PATTERN, { message: 'search must not contain NUL characters' })
  search?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LIMITS.usersMax)
  limit?: number;
}
