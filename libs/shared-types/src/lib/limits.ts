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
  /** GET /api/search: `q` is 1-200 characters; 1-50 hits a page, 20 by default. */
  searchQueryMax: 200,
  searchDefault: 20,
  searchPageMax: 50,
  /** GET /api/chats/:id/members page size. */
  membersDefault: 50,
  membersMax: 100,
  /** `Chat.members` of the global chat (and of larger groups) lists at most this many. */
  chatMembersMax: 50,
  /** `presence:watch` names at most this many users. */
  presenceWatchMax: 500,
  /** `unreadCount` is exact up to this; above it the server answers a number ≥ it ("999+"). */
  unreadMax: 999,
  /** Different emoji one user may have on one message. */
  reactionsPerUserMax: 20,
  /** UTF-8 bytes of a reaction's emoji. */
  emojiBytesMax: 32,
  /** Characters of MessageRef.excerpt. */
  excerptMax: 200,
  /** `changes` page size. */
  changesDefault: 100,
  changesMax: 500,
  /** `attachmentIds` of one message. */
  attachmentsMax: 10,
  /** A group's title: 1-64 characters after trimming. */
  groupTitleMax: 64,
  /** Members of a group, its owner included (the server's MAX_GROUP_MEMBERS default). */
  groupMembersMax: 1000,
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

/** A group's `title`: 1-64 characters once trimmed (it is stored trimmed), no NUL. */
export function isGroupTitle(value: unknown): value is string {
  return typeof value === 'string' && isText(value.trim(), 1, LIMITS.groupTitleMax);
}

/** Any UUID in the text form PostgreSQL's uuid type reads: the shape of a user or session id. */
export const ANY_UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && ANY_UUID_PATTERN.test(value);
}

/** Message `content`: 1-4000 characters once trimmed (it is stored trimmed), no NUL. */
export function isMessageContent(value: unknown): value is string {
  return typeof value === 'string' && isText(value.trim(), LIMITS.contentMin, LIMITS.contentMax);
}

/**
 * The `content` of a message being sent: as isMessageContent, except that a message with
 * attachments may have none ('' or white space, stored as '').
 */
export function isSendContent(value: unknown, withAttachments: boolean): value is string {
  if (!withAttachments) return isMessageContent(value);
  return typeof value === 'string' && isText(value.trim(), 0, LIMITS.contentMax);
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

/** `attachmentIds`: 0-10 distinct attachment ids (UUIDs). */
export function isAttachmentIds(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length <= LIMITS.attachmentsMax &&
    value.every((id) => typeof id === 'string' && UUID_PATTERN.test(id)) &&
    new Set(value.map((id: string) => id.toLowerCase())).size === value.length
  );
}

/** Whether a send payload names attachments: its content may then be empty. */
export function namesAttachments(attachmentIds: unknown): boolean {
  return Array.isArray(attachmentIds) && attachmentIds.length > 0;
}

export const GLOBAL_CHAT_ID = 'all';
export const GLOBAL_CHAT_TITLE = 'All';

/** UTF-8 bytes of `text` (lone surrogates count as U+FFFD, as encoders write them). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const PICTOGRAPHIC_START = /^\p{Extended_Pictographic}/u;
const FLAG = /^\p{Regional_Indicator}{2}$/u;
const KEYCAP = /^[0-9#*]\uFE0F?\u20E3$/u;

/**
 * Whether `value` is one emoji: exactly one grapheme cluster (as Intl.Segmenter cuts text)
 * that starts with an Extended_Pictographic code point (with its modifiers, ZWJ sequences and
 * tags), or is a regional-indicator flag or a keycap; at most 32 UTF-8 bytes.
 */
export function isEmoji(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0) return false;
  if (utf8Length(value) > LIMITS.emojiBytesMax) return false;
  const iterator = graphemes.segment(value)[Symbol.iterator]();
  const first = iterator.next();
  if (first.done || !iterator.next().done) return false;
  return PICTOGRAPHIC_START.test(value) || FLAG.test(value) || KEYCAP.test(value);
}

/** A reaction's `emoji` (PUT/DELETE …/reactions/:emoji, `reaction:set`): one emoji. */
export const isReactionEmoji = isEmoji;

/** A `changes` cursor: '0' or a positive integer string within Postgres bigint range. */
export function isVersion(value: unknown): value is string {
  return value === '0' || isMessageId(value);
}

/** Whether version `a` is greater than version `b` (both version strings). */
export function isNewerVersion(a: string, b: string): boolean {
  return BigInt(a) > BigInt(b);
}
