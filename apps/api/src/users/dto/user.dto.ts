import type { User } from '@chat/shared-types';

export class UserDto implements User {
  /** UUID */
  id!: string;
  login!: string;
  fullName!: string;
  /** True while at least one of the user's sockets is connected. */
  online!: boolean;
}
