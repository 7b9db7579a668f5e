import type { CreateChatRequest } from '@chat/shared-types';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';

export class CreateChatDto implements CreateChatRequest {
  /** The other user's id. Ids are lower-case; any case names the same user (and one chat). */
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsUUID('all', { message: 'peerId must be a user id (UUID)' })
  peerId!: string;
}
