import { LIMITS, type ListUsersQuery } from '@chat/shared-types';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

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
  search?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LIMITS.usersMax)
  limit?: number;
}
