import { ERROR_STATUS, type ErrorCode } from '@chat/shared-types';

export interface AppErrorOptions {
  /** The HTTP status when it is not the code's own (415 or 405 for `invalid`). */
  status?: number;
  /** When a refused client may try again (sent as `Retry-After`, in whole seconds). */
  retryAfterMs?: number;
}

/**
 * A failure the client is told about, with a contract error code. Services throw it; the
 * HTTP filter turns it into an ApiError body and the WebSocket filter into a failed Ack.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: AppErrorOptions = {},
  ) {
    super(message);
  }

  get status(): number {
    return this.options.status ?? ERROR_STATUS[this.code];
  }
}

export const forbiddenChat = () =>
  new AppError('forbidden', 'You are not a member of this chat, or it does not exist');
