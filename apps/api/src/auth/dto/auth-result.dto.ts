import type { AuthResult } from '@chat/shared-types';
import { UserDto } from '../../users/dto/user.dto';

export class AuthResultDto implements AuthResult {
  /** Send as `Authorization: Bearer <accessToken>` and as the socket's `auth.token`. */
  accessToken!: string;
  user!: UserDto;
}
