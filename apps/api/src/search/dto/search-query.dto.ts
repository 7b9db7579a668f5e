import { isSearchQuery, LIMITS, type SearchQuery } from '@chat/shared-types';
import { IsOptional, ValidateBy } from 'class-validator';
import { IsChatId } from '../../common/decorators/is-chat-id.decorator';
import { IsMessageId } from '../../common/decorators/is-message-id.decorator';
import { IsPageLimit, QueryInt } from '../../common/decorators/is-page-limit.decorator';

/** GET /api/search */
export class SearchQueryDto implements SearchQuery {
  /**
   * 1-200 characters. Every word (run of letters and digits) must match a word or the start
   * of one, in any case and script, accents ignored; a query with no letters or digits finds
   * nothing
   */
  @ValidateBy({
    name: 'isSearchQuery',
    validator: {
      validate: (value: unknown) => isSearchQuery(value),
      defaultMessage: () => `q must be a string of 1-${LIMITS.searchQueryMax} characters`,
    },
  })
  q!: string;

  /** Only this chat (403 when the caller is not a member) */
  @IsOptional()
  @IsChatId()
  chatId?: string;

  /** Hits older than this message id: the next page */
  @IsOptional()
  @IsMessageId()
  before?: string;

  /** 1-50, default 20 */
  @IsOptional()
  @QueryInt()
  @IsPageLimit(LIMITS.searchPageMax)
  limit?: number;
}
