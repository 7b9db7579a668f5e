import { randomUUID } from 'node:crypto';
import { isClientId, LIMITS, textLength, type SendMessageRequest } from '@chat/shared-types';
import { isUUID, length } from 'class-validator';
import { assertChatIdShape } from '../chats/chats.service';
import { AppError } from '../common/app-error';
import { createValidationPipe } from '../common/validation';
import { parseSendMessage } from '../realtime/send-message.payload';
import { SendMessageDto } from './dto/send-message.dto';

type Verdict = { accepted: SendMessageRequest } | { refused: string[]; code: string };

/** The field each `invalid` problem names: `content must …`, `property senderId should not exist`. */
function fieldsNamed(message: string): string[] {
  return message.split('; ').map((problem) => {
    const field =
      /^property (\S+) should not exist$/.exec(problem)?.[1] ?? /^[^\s:]+/.exec(problem)?.[0];
    if (!field) throw new Error(`no field named in "${problem}"`);
    return field;
  });
}

function refusal(error: unknown, fields?: string[]): Verdict {
  if (!(error instanceof AppError)) throw error;
  return { refused: fields ?? fieldsNamed(error.message).sort(), code: error.code };
}

const pipe = createValidationPipe();

/**
 * POST /api/chats/:id/messages as the app runs it: the global ValidationPipe on the body, then
 * MessagesService.send's check of the `:id` (a chat id no chat can have is 403, like any chat
 * the caller is not in, so no one learns which chats exist).
 */
async function overRest(payload: Record<string, unknown>): Promise<Verdict> {
  const { chatId, ...body } = payload;
  if (typeof chatId !== 'string') throw new Error('a path segment is always a string');
  let dto: SendMessageDto;
  try {
    dto = (await pipe.transform(body, {
      type: 'body',
      metatype: SendMessageDto,
    })) as SendMessageDto;
  } catch (error) {
    return refusal(error);
  }
  try {
    assertChatIdShape(chatId);
  } catch (error) {
    return refusal(error, ['chatId']);
  }
  const { content, clientId, replyToId, attachmentIds } = dto;
  const accepted: SendMessageRequest = { chatId, content, clientId };
  if (replyToId !== undefined) accepted.replyToId = replyToId;
  if (attachmentIds !== undefined) accepted.attachmentIds = attachmentIds;
  return { accepted };
}

/** `message:send` as the gateway runs it: the hand-written fast path. */
function overSocket(payload: Record<string, unknown>): Verdict {
  try {
    return { accepted: parseSendMessage(payload) };
  } catch (error) {
    return refusal(error);
  }
}

const clientId = randomUUID();
const ok = (overrides: Record<string, unknown>): Record<string, unknown> => ({
  chatId: 'all',
  content: 'hi',
  clientId,
  ...overrides,
});
const without = (field: string) => {
  const payload = ok({});
  delete payload[field];
  return payload;
};

const { contentMax, chatIdMax } = LIMITS;

/** Each payload, and the fields a refusal must name (none: accepted). */
const TABLE: [string, Record<string, unknown>, string[]][] = [
  ['plain text', ok({}), []],
  ['text with white space around it', ok({ content: ' \n hi there\t ' }), []],
  [`${contentMax} emoji`, ok({ content: '😀'.repeat(contentMax) }), []],
  [
    `${contentMax} emoji with a presentation selector`,
    ok({ content: '❤️'.repeat(contentMax) }),
    [],
  ],
  [`${contentMax} characters between spaces`, ok({ content: ` ${'x'.repeat(contentMax)} ` }), []],
  [`${contentMax + 1} emoji`, ok({ content: '😀'.repeat(contentMax + 1) }), ['content']],
  [`${contentMax + 1} characters`, ok({ content: 'x'.repeat(contentMax + 1) }), ['content']],
  ['whitespace-only content', ok({ content: ' \n\t ' }), ['content']],
  ['empty content', ok({ content: '' }), ['content']],
  ['NUL in content', ok({ content: 'a\u0000b' }), ['content']],
  ['numeric content', ok({ content: 42 }), ['content']],
  ['content that is an object', ok({ content: { length: 2 } }), ['content']],
  ['missing content', without('content'), ['content']],
  [`a chat id of ${chatIdMax} characters`, ok({ chatId: 'c'.repeat(chatIdMax) }), []],
  [`a chat id of ${chatIdMax} emoji`, ok({ chatId: '😀'.repeat(chatIdMax) }), []],
  [
    `a chat id of ${chatIdMax + 1} characters`,
    ok({ chatId: 'c'.repeat(chatIdMax + 1) }),
    ['chatId'],
  ],
  [`a chat id of ${chatIdMax + 1} emoji`, ok({ chatId: '😀'.repeat(chatIdMax + 1) }), ['chatId']],
  ['an empty chat id', ok({ chatId: '' }), ['chatId']],
  ['NUL in the chat id', ok({ chatId: 'all\u0000' }), ['chatId']],
  ['a clientId in capitals', ok({ clientId: clientId.toUpperCase() }), []],
  ['the nil UUID as clientId', ok({ clientId: '00000000-0000-0000-0000-000000000000' }), []],
  ['a clientId that is not a UUID', ok({ clientId: 'abc-123' }), ['clientId']],
  [
    'a clientId of the wrong variant',
    ok({ clientId: '0b6f3c1e-8a4d-4f6e-7c2b-7d5e1a3f9b80' }),
    ['clientId'],
  ],
  ['a numeric clientId', ok({ clientId: 12345 }), ['clientId']],
  ['missing clientId', without('clientId'), ['clientId']],
  ['an extra field', ok({ senderId: 'x' }), ['senderId']],
  ['an extra field and empty content', ok({ senderId: 'x', content: '' }), ['content', 'senderId']],
  ['bad content and clientId', ok({ content: '  ', clientId: 'no' }), ['clientId', 'content']],
  ['a reply to a message id', ok({ replyToId: '42' }), []],
  ['a replyToId that is not a message id', ok({ replyToId: 'abc' }), ['replyToId']],
  ['a replyToId of 0', ok({ replyToId: '0' }), ['replyToId']],
  ['a numeric replyToId', ok({ replyToId: 42 }), ['replyToId']],
  ['one attachment', ok({ attachmentIds: [randomUUID()] }), []],
  ['no attachments', ok({ attachmentIds: [] }), []],
  ['empty content with an attachment', ok({ content: '', attachmentIds: [randomUUID()] }), []],
  ['white space with an attachment', ok({ content: ' \n ', attachmentIds: [randomUUID()] }), []],
  ['empty content and no attachments', ok({ content: '', attachmentIds: [] }), ['content']],
  [
    `${LIMITS.attachmentsMax} attachments`,
    ok({ attachmentIds: Array.from({ length: LIMITS.attachmentsMax }, () => randomUUID()) }),
    [],
  ],
  [
    `${LIMITS.attachmentsMax + 1} attachments`,
    ok({ attachmentIds: Array.from({ length: LIMITS.attachmentsMax + 1 }, () => randomUUID()) }),
    ['attachmentIds'],
  ],
  ['the same attachment twice', ok({ attachmentIds: [clientId, clientId] }), ['attachmentIds']],
  ['an attachment id that is not a UUID', ok({ attachmentIds: ['x'] }), ['attachmentIds']],
  ['attachmentIds that is not a list', ok({ attachmentIds: clientId }), ['attachmentIds']],
  [
    `${contentMax + 1} characters with an attachment`,
    ok({ content: 'x'.repeat(contentMax + 1), attachmentIds: [randomUUID()] }),
    ['content'],
  ],
];

describe('message:send over REST and over the socket', () => {
  it.each(TABLE)('gives one verdict for %s', async (_case, payload, fields) => {
    const rest = await overRest(payload);
    const socket = overSocket(payload);

    if (fields.length === 0) {
      const trimmed = { ...payload, content: (payload['content'] as string).trim() };
      expect(rest).toEqual({ accepted: trimmed });
      expect(socket).toEqual({ accepted: trimmed });
    } else {
      expect(socket).toEqual({ refused: fields, code: 'invalid' });
      const restCode = fields.includes('chatId') ? 'forbidden' : 'invalid';
      expect(rest).toEqual({ refused: fields, code: restCode });
    }
  });
});

describe("the contract's rules and class-validator's", () => {
  // Code units that class-validator's length() treats specially, and some it does not.
  const UNITS = [
    'a',
    ' ',
    '\u0000',
    '\uD83D',
    '\uDE00',
    '\uDD4F',
    '\uFE0F',
    '\uFE0E',
    '\u200D',
    'é',
  ];

  /** A small deterministic generator, so a failure names a string that can be run again. */
  function* strings(count: number): Generator<string> {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < count; i++) {
      let text = '';
      for (let n = next() % 12; n > 0; n--) text += UNITS[next() % UNITS.length] ?? '';
      yield text;
    }
  }

  it('textLength counts characters exactly as @Length does', () => {
    for (const text of strings(5000)) {
      const counted = textLength(text);
      expect([text, length(text, counted, counted)]).toEqual([text, true]);
      expect([text, length(text, counted + 1, undefined)]).toEqual([text, false]);
    }
  });

  it("isClientId accepts exactly the UUIDs @IsUUID('all') accepts", () => {
    const samples = [
      randomUUID(),
      randomUUID().toUpperCase(),
      '00000000-0000-0000-0000-000000000000',
      'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
      '0b6f3c1e-8a4d-9f6e-9c2b-7d5e1a3f9b80',
      '0b6f3c1e-8a4d-0f6e-9c2b-7d5e1a3f9b80',
      '0b6f3c1e-8a4d-8f6e-bc2b-7d5e1a3f9b80',
      '0b6f3c1e-8a4d-4f6e-cc2b-7d5e1a3f9b80',
      '0b6f3c1e8a4d4f6e9c2b7d5e1a3f9b80',
      `${randomUUID()}\n`,
      '',
      42,
      null,
    ];
    for (const value of samples) {
      expect([value, isClientId(value)]).toEqual([value, isUUID(value, 'all')]);
    }
  });
});
