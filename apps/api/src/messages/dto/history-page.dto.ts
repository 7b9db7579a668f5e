import type { HistoryPage } from '@chat/shared-types';
import { MessageDto } from './message.dto';

export class HistoryPageDto implements HistoryPage {
  /** Ascending by id */
  messages!: MessageDto[];
  /** More messages exist beyond this page in the direction asked for */
  hasMore!: boolean;
  /** Only for `around`: newer messages exist beyond this page */
  hasMoreAfter?: boolean;
}
