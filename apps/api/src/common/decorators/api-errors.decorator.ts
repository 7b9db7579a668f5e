import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode } from '@chat/shared-types';
import { ApiErrorDto } from '../api-error.dto';

const CODE_BY_STATUS = Object.fromEntries(
  Object.entries(ERROR_STATUS).map(([code, status]) => [status, code]),
) as Record<number, ErrorCode>;

/** Documents the ApiError responses a route can give. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, type: ApiErrorDto, description: `error: '${CODE_BY_STATUS[status]}'` }),
    ),
  );
