import { LIMITS, type HistoryQuery, type HistoryRequest } from '@chat/shared-types';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsChatId } from '../../common/decorators/is-chat-id.decorator';
import { IsMessageId } from '../../common/decorators/is-message-id.decorator';

/** What GET …/messages and `chat:history` both take. */
class HistoryPageRequest {
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
  @IsInt()
  @Min(1)
  @Max(LIMITS.pageMax)
  limit?: number;
}

export class HistoryQueryDto extends HistoryPageRequest implements HistoryQuery {
  // A query string is text; a socket's `limit` must already be a number.
  @Type(() => Number)
  declare limit?: number;
}

export class HistoryEventDto extends HistoryPageRequest implements HistoryRequest {
  @IsChatId()
  chatId!: string;
}
