import type { CreateChatRequest } from '@chat/shared-types';
import { IsUUID } from 'class-validator';

export class CreateChatDto implements CreateChatRequest {
  /** The other user's id. */
  @IsUUID('all', { message: 'peerId must be a user id (UUID)' })
  peerId!: string;
}
