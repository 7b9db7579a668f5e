import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { ApiError } from '@chat/shared-types';
import type { Response } from 'express';
import { mapError } from '../error-mapping';

/** Every REST error leaves as `ApiError`: { statusCode, error, message }. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, code, message, retryAfterSeconds } = mapError(exception);
    const body: ApiError = { statusCode: status, error: code, message };
    if (response.headersSent) return;
    if (retryAfterSeconds !== undefined) response.setHeader('Retry-After', retryAfterSeconds);
    response.status(status).json(body);
  }
}
