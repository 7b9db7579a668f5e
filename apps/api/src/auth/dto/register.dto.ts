import { LIMITS, LOGIN_PATTERN, NO_NUL_PATTERN, type RegisterRequest } from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lowerTrim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class RegisterDto implements RegisterRequest {
  /** 3-32 characters of a-z 0-9 _ . - (the server trims and lower-cases what it is sent) */
  @ApiProperty({
    pattern: LOGIN_PATTERN.source,
    minLength: LIMITS.loginMin,
    maxLength: LIMITS.loginMax,
  })
  @Transform(lowerTrim)
  @IsString()
  @Matches(LOGIN_PATTERN, {
    message: `login must be ${LIMITS.loginMin}-${LIMITS.loginMax} characters of a-z, 0-9, _ . -`,
  })
  login!: string;

  /** 1-64 characters after trimming */
  @Transform(trim)
  @IsString()
  @Length(LIMITS.fullNameMin, LIMITS.fullNameMax)
  @Matches(NO_NUL_PATTERN, { message: 'fullName must not contain NUL characters' })
  fullName!: string;

  /** 8-128 characters */
  @IsString()
  @Length(LIMITS.passwordMin, LIMITS.passwordMax)
  password!: string;
}
