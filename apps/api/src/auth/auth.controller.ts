import { Body, Controller, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { Public } from '../common/decorators/public.decorator';
import type { AuthenticatedUser } from './authenticated-user';
import { AuthService } from './auth.service';
import { AuthResultDto } from './dto/auth-result.dto';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Creates an account, joins it to the global chat and signs it in. */
  @Public()
  @Post('register')
  @ApiErrors(400, 409, 429)
  register(@Body() dto: RegisterDto, @Ip() address: string): Promise<AuthResultDto> {
    return this.auth.register(dto, address);
  }

  /** The same 401 for an unknown login and a wrong password; 429 after repeated failures. */
  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiErrors(400, 401, 429)
  login(@Body() dto: LoginDto, @Ip() address: string): Promise<AuthResultDto> {
    return this.auth.login(dto, address);
  }

  /** Revokes this session: the token stops working at once, on REST and on open sockets. */
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiErrors(401)
  logout(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.auth.logout(user);
  }
}
