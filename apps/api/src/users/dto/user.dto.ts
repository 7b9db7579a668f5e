import { LIMITS, LOGIN_PATTERN, type User } from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';

export class UserDto implements User {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    pattern: LOGIN_PATTERN.source,
    minLength: LIMITS.loginMin,
    maxLength: LIMITS.loginMax,
  })
  login!: string;

  fullName!: string;
  /** True while at least one of the user's sockets is connected. */
  online!: boolean;
}
