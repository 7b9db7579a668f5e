import {
  LIMITS,
  MESSAGE_ID_PATTERN,
  type HistoryQuery,
  type HistoryRequest,
} from '@chat/shared-types';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

const cursor = (name: string) => ({ message: `${name} must be a message id (a positive integer)` });

export class HistoryQueryDto implements HistoryQuery {
  /** Messages older than this id (paging back) */
  @IsOptional()
  @IsString()
  @Matches(MESSAGE_ID_PATTERN, cursor('before'))
  before?: string;

  /** Messages newer than this id (catching up) */
  @IsOptional()
  @IsString()
  @Matches(MESSAGE_ID_PATTERN, cursor('after'))
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
  chatId!: string;

  @IsOptional()
  @IsString()
  @Matches(MESSAGE_ID_PATTERN, cursor('before'))
  before?: string;

  @IsOptional()
  @IsString()
  @Matches(MESSAGE_ID_PATTERN, cursor('after'))
  after?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.pageMax)
  limit?: number;
}
