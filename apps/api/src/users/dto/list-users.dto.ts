import { LIMITS, NO_NUL_PATTERN, type ListUsersQuery } from '@chat/shared-types';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsPageLimit, QueryInt } from '../../common/decorators/is-page-limit.decorator';

export class ListUsersQueryDto implements ListUsersQuery {
  /** Only users with no direct chat with the caller yet. */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  available?: boolean;

  /** Matches a prefix of the login or of the full name, case-insensitively. */
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.searchMax)
  @Matches(NO_NUL_PATTERN, { message: 'search must not contain NUL characters' })
  search?: string;

  @IsOptional()
  @QueryInt()
  @IsPageLimit(LIMITS.usersMax)
  limit?: number;
}
