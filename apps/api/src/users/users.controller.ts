import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ListUsersQueryDto } from './dto/list-users.dto';
import { UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** The signed-in user. */
  @Get('me')
  async me(@CurrentUser() user: AuthenticatedUser): Promise<UserDto> {
    const [me] = await this.users.toUsers([
      { id: user.id, login: user.login, full_name: user.fullName },
    ]);
    return me as UserDto;
  }

  /** Everyone but the caller; with available=true only people with no direct chat yet. */
  @Get()
  @ApiErrors(400)
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ListUsersQueryDto,
  ): Promise<UserDto[]> {
    return this.users.list(user.id, query);
  }
}
