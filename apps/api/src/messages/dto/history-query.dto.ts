import { LIMITS, type HistoryQuery, type HistoryRequest } from '@chat/shared-types';
import { IsOptional } from 'class-validator';
import { IsChatId } from '../../common/decorators/is-chat-id.decorator';
import { IsMessageId } from '../../common/decorators/is-message-id.decorator';
import { IsPageLimit, QueryInt } from '../../common/decorators/is-page-limit.decorator';
import { NotWith } from '../../common/decorators/not-with.decorator';

/** What GET …/messages and `chat:history` both take. */
class HistoryPageRequest {
  /** Messages older than this id (paging back) */
  @IsOptional()
  @IsMessageId()
  before?: string;

  /** Messages newer than this id (catching up) */
  @IsOptional()
  @IsMessageId()
  @NotWith('before')
  after?: string;

  /** Opens the history at this message of the chat: it comes back near the page's middle */
  @IsOptional()
  @IsMessageId()
  @NotWith('before')
  @NotWith('after')
  around?: string;

  /** 1-100, default 50 */
  @IsOptional()
  @IsPageLimit(LIMITS.pageMax)
  limit?: number;
}

export class HistoryQueryDto extends HistoryPageRequest implements HistoryQuery {
  // A query string is text; a socket's `limit` must already be a number.
  @QueryInt()
  declare limit?: number;
}

export class HistoryEventDto extends HistoryPageRequest implements HistoryRequest {
  @IsChatId()
  chatId!: string;
}
