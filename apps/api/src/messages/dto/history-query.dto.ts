import { LIMITS, NO_NUL_PATTERN, type HistoryQuery, type HistoryRequest } from '@chat/shared-types';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsMessageId } from '../../common/decorators/is-message-id.decorator';

export class HistoryQueryDto implements HistoryQuery {
  /** Messages older than this id (paging back) */
  @IsOptional()
  @IsMessageId()
  before?: string;

  /** Messages newer than this id (catching up) */
  @IsOptional()
  @IsMessageId()
  after?: string;

  /** 1-100, default 50 */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LIMITS.pageMax)
  limit?: number;
}

export class HistoryEventDto implements HistoryRequest {
  @IsString()
  @Length(1, 200)
  @Matches(NO_NUL_PATTERN, { message: 'chatId must not contain NUL characters' })
  chatId!: string;

  @IsOptional()
  @IsMessageId()
  before?: string;

  @IsOptional()
  @IsMessageId()
  after?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.pageMax)
  limit?: number;
}
