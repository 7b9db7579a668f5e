import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { AckError, ErrorCode } from '@chat/shared-types';
import { QueryFailedError } from 'typeorm';
import { AppError } from './app-error';

const logger = new Logger('Errors');

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'invalid',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'invalid',
  [HttpStatus.UNAUTHORIZED]: 'unauthorized',
  [HttpStatus.FORBIDDEN]: 'forbidden',
  [HttpStatus.NOT_FOUND]: 'not_found',
  [HttpStatus.CONFLICT]: 'conflict',
  [HttpStatus.TOO_MANY_REQUESTS]: 'rate_limited',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'unavailable',
};

export interface MappedError extends AckError {
  status: number;
}

/** One translation of any thrown value into the contract's error shape, for HTTP and WS. */
export function mapError(error: unknown): MappedError {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, message: error.message };
  }
  const body = bodyParserError(error);
  if (body) return body;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, code: STATUS_CODES[status] ?? 'invalid', message: httpMessage(error) };
  }
  if (isRefusedValue(error)) {
    return { status: 400, code: 'invalid', message: 'A value is out of range or not valid' };
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn(`Database unavailable: ${(error as Error).message}`);
    return { status: 503, code: 'unavailable', message: 'The service is temporarily unavailable' };
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { status: 500, code: 'unavailable', message: 'Something went wrong on our side' };
}

/** Errors of the JSON body parser, which run before any route or pipe. */
function bodyParserError(error: unknown): MappedError | null {
  const type = typeof error === 'object' && error ? (error as { type?: unknown }).type : null;
  switch (type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'invalid', message: 'body: malformed JSON' };
    case 'entity.too.large':
      return { status: 413, code: 'invalid', message: 'body: too large' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'invalid', message: 'body: unsupported encoding' };
    default:
      return null;
  }
}

function httpMessage(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** PostgreSQL's data exceptions (class 22: out of range, bad encoding, NUL): the input's fault. */
function isRefusedValue(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  return String((error.driverError as { code?: unknown }).code ?? '').startsWith('22');
}

/**
 * Connection failures and the server going away (57P01 admin shutdown, 08xxx connection).
 * Duck-typed: driver and socket errors do not always share this realm's Error class.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const driverError = error instanceof QueryFailedError ? error.driverError : error;
  const code = String((driverError as { code?: unknown }).code ?? '');
  if (CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P')) return true;
  const message = String((error as { message?: unknown }).message ?? '');
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connect ECONNREFUSED|Client has encountered a connection error/i.test(
    message,
  );
}
