import {
  hasNul,
  isChatId,
  isClientId,
  isGroupTitle,
  isUuid,
  isMessageContent,
  isEmoji,
  isMessageId,
  isNewerVersion,
  isVersion,
  LIMITS,
  textLength,
  utf8Length,
} from './limits';

describe('textLength', () => {
  it.each([
    ['', 0],
    ['hello', 5],
    ['é', 1],
    ['e\u0301', 2],
    ['😀', 1],
    ['𝕏𝕏', 2],
    ['❤️', 1],
    ['😀\uFE0F', 1],
    ['\uFE0F', 1],
    ['a\uFE0F\uFE0F', 2],
    ['\uD83D', 1],
    ['\uDE00\uD83D', 2],
    ['👍🏽', 2],
    ['👩‍👩‍👧', 5],
  ])('counts %j as %i characters', (text, expected) => {
    expect(textLength(text)).toBe(expected);
  });
});

describe('hasNul', () => {
  it('finds NUL anywhere, and only NUL', () => {
    expect(hasNul('a\u0000b')).toBe(true);
    expect(hasNul('\u0000')).toBe(true);
    expect(hasNul('a\u0001b\\0')).toBe(false);
  });
});

describe('isChatId', () => {
  it(`accepts ${LIMITS.chatIdMin}-${LIMITS.chatIdMax} characters, emoji counted as one`, () => {
    expect(isChatId('all')).toBe(true);
    expect(isChatId('x')).toBe(true);
    expect(isChatId('x'.repeat(LIMITS.chatIdMax))).toBe(true);
    expect(isChatId('😀'.repeat(LIMITS.chatIdMax))).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(LIMITS.chatIdMax + 1)],
    ['too many emoji', '😀'.repeat(LIMITS.chatIdMax + 1)],
    ['NUL', 'a\u0000b'],
    ['a number', 42],
    ['null', null],
    ['an array', ['all']],
  ])('refuses %s', (_case, value) => {
    expect(isChatId(value)).toBe(false);
  });
});

describe('isMessageContent', () => {
  it(`accepts ${LIMITS.contentMin}-${LIMITS.contentMax} characters after trimming`, () => {
    expect(isMessageContent('hi')).toBe(true);
    expect(isMessageContent(`  ${'x'.repeat(LIMITS.contentMax)}\n`)).toBe(true);
    expect(isMessageContent('😀'.repeat(LIMITS.contentMax))).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['whitespace only', ' \n\t '],
    ['too long', 'x'.repeat(LIMITS.contentMax + 1)],
    ['too many emoji', '😀'.repeat(LIMITS.contentMax + 1)],
    ['NUL', 'a\u0000'],
    ['a number', 42],
    ['undefined', undefined],
  ])('refuses %s', (_case, value) => {
    expect(isMessageContent(value)).toBe(false);
  });
});

describe('isClientId', () => {
  it.each([
    '0b6f3c1e-8a4d-4f6e-9c2b-7d5e1a3f9b80',
    '0B6F3C1E-8A4D-4F6E-9C2B-7D5E1A3F9B80',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '0b6f3c1e-8a4d-1f6e-ac2b-7d5e1a3f9b80',
  ])('accepts %s', (value) => {
    expect(isClientId(value)).toBe(true);
  });

  it.each([
    'abc-123',
    '0b6f3c1e-8a4d-4f6e-7c2b-7d5e1a3f9b80',
    '0b6f3c1e-8a4d-0f6e-9c2b-7d5e1a3f9b80',
    '0b6f3c1e8a4d4f6e9c2b7d5e1a3f9b80',
    ' 0b6f3c1e-8a4d-4f6e-9c2b-7d5e1a3f9b80',
    12345,
    null,
  ])('refuses %j', (value) => {
    expect(isClientId(value)).toBe(false);
  });
});

describe('isMessageId', () => {
  it('accepts positive integers that fit a bigint, and nothing else', () => {
    expect(isMessageId('1')).toBe(true);
    expect(isMessageId('9223372036854775807')).toBe(true);
    expect(isMessageId('9223372036854775808')).toBe(false);
    expect(isMessageId('9999999999999999999')).toBe(false);
    for (const bad of ['0', '-1', '01', '1.5', '', ' 1', 1]) expect(isMessageId(bad)).toBe(false);
  });
});

describe('isEmoji', () => {
  it.each([['👍'], ['❤️'], ['👍🏽'], ['👩‍👩‍👧'], ['🇫🇷'], ['1️⃣'], ['#⃣'], ['🏴󠁧󠁢󠁳󠁣󠁴󠁿'], ['☺']])(
    'accepts %j',
    (emoji) => {
      expect(isEmoji(emoji)).toBe(true);
    },
  );

  it.each([
    [''],
    ['a'],
    ['1'],
    ['👍👍'],
    ['👍 '],
    ['🇫'],
    ['e\u0301'],
    ['\uD83D'],
    ['\u0000'],
    [':+1:'],
    [42],
    [null],
    // One grapheme cluster, but 35 UTF-8 bytes (a pictograph with many combining marks).
    ['👍' + '\u0301'.repeat(16)],
  ])('refuses %j', (value) => {
    expect(isEmoji(value)).toBe(false);
  });

  it('measures UTF-8 as encoders do', () => {
    expect(utf8Length('a')).toBe(1);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('€')).toBe(3);
    expect(utf8Length('👩‍👩‍👧')).toBe(18);
    expect(LIMITS.emojiBytesMax).toBe(32);
    expect(LIMITS.reactionsPerUserMax).toBe(20);
  });
});

describe('isVersion', () => {
  it('takes 0 and positive bigint strings only', () => {
    expect(isVersion('0')).toBe(true);
    expect(isVersion('17')).toBe(true);
    expect(isVersion('9223372036854775807')).toBe(true);
    expect(isVersion('9223372036854775808')).toBe(false);
    expect(isVersion('-1')).toBe(false);
    expect(isVersion('01')).toBe(false);
    expect(isVersion(1)).toBe(false);
  });

  it('compares numerically, not as text', () => {
    expect(isNewerVersion('10', '9')).toBe(true);
    expect(isNewerVersion('9', '10')).toBe(false);
  });
});

describe('isGroupTitle', () => {
  it('takes 1-64 characters once trimmed, counted as the server counts them', () => {
    expect(isGroupTitle('  Shift B  ')).toBe(true);
    expect(isGroupTitle('😀'.repeat(LIMITS.groupTitleMax))).toBe(true);
    expect(isGroupTitle('😀'.repeat(LIMITS.groupTitleMax + 1))).toBe(false);
    expect(isGroupTitle('   ')).toBe(false);
    expect(isGroupTitle('a\u0000b')).toBe(false);
    expect(isGroupTitle(7)).toBe(false);
  });
});

describe('isUuid', () => {
  it('takes any UUID in the text form PostgreSQL reads, in either case', () => {
    expect(isUuid('00000000-0000-0000-0000-00000000000a')).toBe(true);
    expect(isUuid('0B6F3C1E-8A4D-4F6E-9C2B-7D5E1A3F9B80')).toBe(true);
    expect(isUuid('0b6f3c1e8a4d4f6e9c2b7d5e1a3f9b80')).toBe(false);
    expect(isUuid("' OR 1=1 --")).toBe(false);
    expect(isUuid(null)).toBe(false);
  });
});
