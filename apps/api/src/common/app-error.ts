import { ERROR_STATUS, type ErrorCode } from '@chat/shared-types';

/**
 * A failure the client is told about, with a contract error code. Services throw it; the
 * HTTP filter turns it into an ApiError body and the WebSocket filter into a failed Ack.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const forbiddenChat = () =>
  new AppError('forbidden', 'You are not a member of this chat, or it does not exist');
