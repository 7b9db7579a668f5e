import { LIMITS, NO_NUL_PATTERN, type MembersQuery } from '@chat/shared-types';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsPageLimit, QueryInt } from '../../common/decorators/is-page-limit.decorator';

/** The longest cursor this route hands out: two 64-character names, as base64url JSON. */
const CURSOR_MAX = 1024;

export class MembersQueryDto implements MembersQuery {
  /** Matches a prefix of the login or of the full name, case-insensitively */
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.searchMax)
  @Matches(NO_NUL_PATTERN, { message: 'search must not contain NUL characters' })
  search?: string;

  /** The `nextCursor` of the previous page (opaque) */
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_MAX)
  after?: string;

  /** 1-100, default 50 */
  @IsOptional()
  @QueryInt()
  @IsPageLimit(LIMITS.membersMax)
  limit?: number;
}
