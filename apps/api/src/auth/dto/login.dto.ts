import { LIMITS, type LoginRequest } from '@chat/shared-types';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';

export class LoginDto implements LoginRequest {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @Length(1, LIMITS.loginMax)
  login!: string;

  @IsString()
  @Length(1, LIMITS.passwordMax)
  password!: string;
}
