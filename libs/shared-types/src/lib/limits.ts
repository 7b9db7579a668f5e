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
  chatIdMin: 1,
  chatIdMax: 200,
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

export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

const PRESENTATION_SEQUENCE = /[^\uFE0F\uFE0E][\uFE0F\uFE0E]/g;
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * How many characters the server counts in `text`, as class-validator's @Length does
 * (validator.js isLength): UTF-16 units, less one per surrogate pair and one per variation
 * selector (U+FE0E, U+FE0F) after another character. So a 4-byte emoji is one, and so is ❤️.
 */
export function textLength(text: string): number {
  const presentationSequences = text.match(PRESENTATION_SEQUENCE)?.length ?? 0;
  const surrogatePairs = text.match(SURROGATE_PAIR)?.length ?? 0;
  return text.length - presentationSequences - surrogatePairs;
}

function isText(value: unknown, min: number, max: number): value is string {
  if (typeof value !== 'string' || hasNul(value)) return false;
  const length = textLength(value);
  return length >= min && length <= max;
}

/** A chat id the server could hold: 1-200 characters (as textLength counts), no NUL. */
export function isChatId(value: unknown): value is string {
  return isText(value, LIMITS.chatIdMin, LIMITS.chatIdMax);
}

/** Message `content`: 1-4000 characters once trimmed (it is stored trimmed), no NUL. */
export function isMessageContent(value: unknown): value is string {
  return typeof value === 'string' && isText(value.trim(), LIMITS.contentMin, LIMITS.contentMax);
}

/**
 * A UUID, as class-validator's @IsUUID('all') accepts it: versions 1-8 with the RFC 9562
 * variant, the nil and the max UUID, in either case.
 */
export const UUID_PATTERN =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/i;

/** A message's `clientId`: a UUID the sender generated. */
export function isClientId(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

export const GLOBAL_CHAT_ID = 'all';
export const GLOBAL_CHAT_TITLE = 'All';
