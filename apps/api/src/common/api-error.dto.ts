import { ERROR_CODES, type ApiError, type ErrorCode } from '@chat/shared-types';
import { ApiProperty } from '@nestjs/swagger';

export class ApiErrorDto implements ApiError {
  /** The HTTP status, repeated */
  @ApiProperty({ type: 'integer' })
  statusCode!: number;

  @ApiProperty({ enum: ERROR_CODES })
  error!: ErrorCode;

  /** Says what is wrong; for `invalid`, names the offending field. */
  message!: string;
}
