import { HttpErrorResponse } from '@angular/common/http';
import { ERROR_CODES, type ApiError, type ErrorCode } from '@chat/shared-types';

function isApiError(body: unknown): body is ApiError {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as Record<string, unknown>)['error'];
  return typeof error === 'string' && (ERROR_CODES as readonly string[]).includes(error);
}

export interface ProblemDescription {
  code: ErrorCode | 'network';
  message: string;
}

/** The contract's error code and message of a failed request, or `network` when none came back. */
export function describeHttpError(error: unknown): ProblemDescription {
  if (error instanceof HttpErrorResponse) {
    if (error.status === 0) {
      return { code: 'network', message: "Can't reach the server. Check your connection." };
    }
    if (isApiError(error.error)) return { code: error.error.error, message: error.error.message };
    if (error.status >= 500) {
      return { code: 'unavailable', message: 'The server is having trouble. Try again shortly.' };
    }
  }
  return { code: 'network', message: 'Something went wrong. Try again.' };
}
