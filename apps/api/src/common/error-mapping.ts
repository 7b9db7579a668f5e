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
  /** Whole seconds, for a `Retry-After` header (429). */
  retryAfterSeconds?: number;
}

/** No error message is longer than this, whatever the input named (field names, values). */
export const MAX_ERROR_MESSAGE = 1_000;

/** One translation of any thrown value into the contract's error shape, for HTTP and WS. */
export function mapError(error: unknown): MappedError {
  const mapped = mapAny(error);
  if (mapped.message.length > MAX_ERROR_MESSAGE) {
    mapped.message = `${mapped.message.slice(0, MAX_ERROR_MESSAGE - 1)}…`;
  }
  return mapped;
}

function mapAny(error: unknown): MappedError {
  if (error instanceof AppError) {
    const { retryAfterMs } = error.options;
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(retryAfterMs === undefined
        ? {}
        : { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) }),
    };
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

interface ClientHttpError {
  status: number;
  expose: true;
  type?: unknown;
  code?: unknown;
}

/**
 * A client's mistake reported by Express's own middleware (the body parser, static files):
 * an http-errors error with a 4xx status, which stays that 4xx.
 */
function isClientHttpError(error: unknown): error is ClientHttpError {
  if (typeof error !== 'object' || error === null) return false;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  return expose === true && typeof status === 'number' && status >= 400 && status < 500;
}

/** Errors of the JSON body parser (and other Express middleware), before any route or pipe. */
function bodyParserError(error: unknown): MappedError | null {
  if (!isClientHttpError(error)) return null;
  const { status, type, code } = error;
  const invalid = (message: string): MappedError => ({
    status,
    code: STATUS_CODES[status] ?? 'invalid',
    message,
  });
  switch (type) {
    case 'entity.parse.failed':
      return invalid('body: malformed JSON');
    case 'entity.too.large':
      return invalid('body: too large');
    case 'encoding.unsupported':
      return invalid('body: unsupported Content-Encoding (use gzip, deflate, br or none)');
    case 'charset.unsupported':
      return invalid('body: unsupported charset (send UTF-8)');
    case 'request.size.invalid':
      return invalid('body: its length does not match Content-Length');
    case 'request.aborted':
      return invalid('body: the request was aborted');
  }
  // zlib's errors (Z_DATA_ERROR, …): a body that is not what its Content-Encoding says.
  if (typeof code === 'string' && /^(Z_|ERR_)/.test(code)) {
    return invalid('body: not valid data for its Content-Encoding');
  }
  return invalid(status === 404 ? 'Not found' : 'The request could not be read');
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
