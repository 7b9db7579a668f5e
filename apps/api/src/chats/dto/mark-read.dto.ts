import type { MarkReadRequest } from '@chat/shared-types';
import { IsMessageId } from '../../common/decorators/is-message-id.decorator';

export class MarkReadDto implements MarkReadRequest {
  /** The newest message id the user has seen; read state only moves forward. */
  @IsMessageId()
  upToId!: string;
}
