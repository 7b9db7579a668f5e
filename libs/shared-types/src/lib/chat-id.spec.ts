import { directChatId, directChatMembers, isDirectChatId } from './chat-id';

describe('directChatId', () => {
  const a = '0b8e2c1a-0000-4000-8000-000000000001';
  const b = 'f3c1d2e4-0000-4000-8000-000000000002';

  it('is the same from both sides, smaller id first', () => {
    expect(directChatId(a, b)).toBe(`dm:${a}:${b}`);
    expect(directChatId(b, a)).toBe(`dm:${a}:${b}`);
  });

  it('reads the members back only from a well-formed id', () => {
    expect(directChatMembers(`dm:${a}:${b}`)).toEqual([a, b]);
    expect(directChatMembers(`dm:${b}:${a}`)).toBeNull();
    expect(directChatMembers('all')).toBeNull();
    expect(directChatMembers(`dm:${a}`)).toBeNull();
    expect(isDirectChatId(`dm:${a}:${b}:x`)).toBe(false);
  });
});
