import {
  LIMITS,
  type ChangesPage,
  type ChangesQuery,
  type ChangesRequest,
} from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsChatId } from '../../common/decorators/is-chat-id.decorator';
import { IsPageLimit, QueryInt } from '../../common/decorators/is-page-limit.decorator';
import { IsVersion } from '../../common/decorators/is-reaction-emoji.decorator';
import { MessageDto } from './message.dto';

/** What GET …/changes and `chat:changes` both take. */
class ChangesPageRequest {
  /** Messages whose version is greater than this ('0' for all) */
  @ApiProperty({ example: '0' })
  @IsVersion()
  since!: string;

  /** 1-500, default 100 */
  @IsOptional()
  @IsPageLimit(LIMITS.changesMax)
  limit?: number;
}

export class ChangesQueryDto extends ChangesPageRequest implements ChangesQuery {
  // A query string is text; a socket's `limit` must already be a number.
  @QueryInt()
  declare limit?: number;
}

export class ChangesEventDto extends ChangesPageRequest implements ChangesRequest {
  @IsChatId()
  chatId!: string;
}

export class ChangesPageDto implements ChangesPage {
  /** Each changed message once, in its current state, ascending by version */
  messages!: MessageDto[];
  /** More changes exist: ask again from `version` */
  hasMore!: boolean;
  /** The greatest version returned, or `since` when none */
  @ApiProperty({ example: '42' })
  version!: string;
}
