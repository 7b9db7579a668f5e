import { parseSendMessage } from './send-message.payload';

const clientId = '0b6f3c1e-8a4d-4f6e-9c2b-7d5e1a3f9b80';

function problem(data: unknown): string {
  try {
    parseSendMessage(data);
  } catch (error) {
    expect(error).toMatchObject({ code: 'invalid' });
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(data)}`);
}

describe('parseSendMessage', () => {
  it('returns the three fields, content trimmed', () => {
    expect(parseSendMessage({ chatId: 'all', content: '  hi  ', clientId })).toEqual({
      chatId: 'all',
      content: 'hi',
      clientId,
    });
  });

  it('names every failing field, as the validation pipe does', () => {
    expect(problem({ chatId: 42, content: '   ', clientId: 'nope', senderId: 'x' })).toBe(
      'property senderId should not exist; ' +
        'chatId must be a string of 1-200 characters without NUL; ' +
        'content must be 1-4000 characters after trimming, without NUL, or empty with attachmentIds; ' +
        'clientId must be a UUID',
    );
  });

  it.each([
    [null, 'payload must be an object'],
    [['all', 'hi', clientId], 'payload must be an object'],
    ['hello', 'payload must be an object'],
    [{ chatId: '', content: 'hi', clientId }, 'chatId must be a string of 1-200'],
    [{ chatId: 'x'.repeat(201), content: 'hi', clientId }, 'chatId must be a string of 1-200'],
    [
      { chatId: 'a\u0000b', content: 'hi', clientId },
      'chatId must be a string of 1-200 characters without NUL',
    ],
    [{ chatId: 'all', content: { length: 2 }, clientId }, 'content must be 1-4000'],
    [{ chatId: 'all', content: 'x'.repeat(4001), clientId }, 'content must be 1-4000'],
    [
      { chatId: 'all', content: 'a\u0000', clientId },
      'content must be 1-4000 characters after trimming, without NUL, or empty with attachmentIds',
    ],
    [{ chatId: 'all', content: 'hi' }, 'clientId must be a UUID'],
  ])('refuses %j', (data, message) => {
    expect(problem(data)).toContain(message);
  });

  it('counts characters as the DTO does: 4000 emoji pass, 4001 do not', () => {
    expect(parseSendMessage({ chatId: 'all', content: '😀'.repeat(4000), clientId }).content).toBe(
      '😀'.repeat(4000),
    );
    expect(problem({ chatId: 'all', content: '𝕏'.repeat(4001), clientId })).toContain(
      'content must be 1-4000',
    );
  });

  it('accepts 4000 characters after trimming, and a UUID in capitals', () => {
    const content = ` ${'x'.repeat(4000)} `;
    const upper = clientId.toUpperCase();
    expect(parseSendMessage({ chatId: 'all', content, clientId: upper }).content).toHaveLength(
      4000,
    );
  });
});
