import type { HighlightRange, SearchHit, SearchPage } from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';
import { MessageDto } from '../../messages/dto/message.dto';

export class SearchHitDto implements SearchHit {
  message!: MessageDto;

  /** The chat's title as the caller sees it */
  chatTitle!: string;

  @ApiProperty({
    description:
      'The words of message.content that matched, as [start, end) JavaScript string indices, ascending',
    type: 'array',
    items: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2 },
    example: [[6, 10]],
  })
  highlights!: HighlightRange[];
}

export class SearchPageDto implements SearchPage {
  /** Newest first */
  hits!: SearchHitDto[];

  /** Older hits exist: ask again with before = the last hit's message id */
  hasMore!: boolean;
}
