/** Validation rules of the contract, shared so the client can check before the server does. */
export const LIMITS = {
  loginMin: 3,
  loginMax: 32,
  fullNameMin: 1,
  fullNameMax: 64,
  passwordMin: 8,
  passwordMax: 128,
  contentMin: 1,
  contentMax: 4000,
  pageDefault: 50,
  pageMax: 100,
  usersDefault: 50,
  usersMax: 100,
  searchMax: 64,
} as const;

/** `login`: a-z 0-9 _ . - (stored lower-case). */
export const LOGIN_PATTERN = /^[a-z0-9_.-]{3,32}$/;

/** A message id or cursor: a positive integer as a decimal string (see isMessageId for range). */
export const MESSAGE_ID_PATTERN = /^[1-9][0-9]{0,18}$/;

const MAX_MESSAGE_ID = 9223372036854775807n;

/** A positive integer as a decimal string that fits a Postgres bigint. */
export function isMessageId(value: unknown): value is string {
  return (
    typeof value === 'string' && MESSAGE_ID_PATTERN.test(value) && BigInt(value) <= MAX_MESSAGE_ID
  );
}

/** Text fields may not carry NUL (PostgreSQL text cannot store it). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what it looks for
export const NO_NUL_PATTERN = /^[^\u0000]*$/;

export const GLOBAL_CHAT_ID = 'all';
export const GLOBAL_CHAT_TITLE = 'All';
