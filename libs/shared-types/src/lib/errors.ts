export const ERROR_CODES = [
  'invalid',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The body of every REST error. */
export interface ApiError {
  statusCode: number;
  error: ErrorCode;
  message: string;
}

/** The HTTP status each error code is answered with over REST. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

export interface AckError {
  code: ErrorCode;
  message: string;
}

/** What every Socket.IO acknowledgement callback receives. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };

/** The `connect_error` message when the handshake token is missing, bad, expired or revoked. */
export const HANDSHAKE_UNAUTHORIZED = 'unauthorized';

/** Contract addition: the `connect_error` message when `auth.presence` is not a PresenceMode. */
export const HANDSHAKE_INVALID = 'invalid';
