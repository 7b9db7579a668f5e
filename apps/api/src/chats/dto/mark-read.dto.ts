import { MESSAGE_ID_PATTERN, type MarkReadRequest } from '@chat/shared-types';
import { IsString, Matches } from 'class-validator';

export class MarkReadDto implements MarkReadRequest {
  /** The newest message id the user has seen; read state only moves forward. */
  @IsString()
  @Matches(MESSAGE_ID_PATTERN, { message: 'upToId must be a message id (a positive integer)' })
  upToId!: string;
}
