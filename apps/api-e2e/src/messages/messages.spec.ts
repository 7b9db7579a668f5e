import { Message, directChatId } from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { E2E_LIMITS } from '../support/e2e-state';
import { ascending, expectMessage, getHistory, historyPage, idsOf } from '../support/expectations';
import { api, bearer, expectApiError, expectInvalid } from '../support/http';
import { sleep } from '../support/sockets';
import { TestUser, findChat, openDirectChat, postMessage, registerUsers } from '../support/users';

function send(from: TestUser, chatId: string, body: unknown): Promise<Response> {
  return api()
    .post(`/api/chats/${chatId}/messages`)
    .set(bearer(from.token))
    .send(body as object);
}

function markRead(user: TestUser, chatId: string, body: unknown): Promise<Response> {
  return api()
    .post(`/api/chats/${chatId}/read`)
    .set(bearer(user.token))
    .send(body as object);
}

/** Two users with a direct chat between them. */
async function pair(): Promise<{ a: TestUser; b: TestUser; chatId: string }> {
  const [a, b] = await registerUsers(2);
  const chat = await openDirectChat(a, b);
  return { a, b, chatId: chat.id };
}

describe('POST /api/chats/:id/messages', () => {
  it('answers 201 with the Message, content trimmed, stored as plain text', async () => {
    const { a, chatId } = await pair();
    const clientId = randomUUID();

    const res = await send(a, chatId, { content: '   hello there \n ', clientId });
    expect(res.status).toBe(201);
    expectMessage(res.body, { chatId, sender: a, content: 'hello there', clientId });

    const markup = '<script>alert("x")</script> & <b>bold</b> &amp;';
    const html = await send(a, chatId, { content: markup, clientId: randomUUID() });
    expect(html.status).toBe(201);
    expect((html.body as Message).content).toBe(markup);

    const page = await historyPage(a, chatId);
    expect(page.messages.map((m) => m.content)).toEqual(['hello there', markup]);
  });

  it('answers 200 with the same message when the clientId was already stored, storing one row', async () => {
    const { a, b, chatId } = await pair();
    const clientId = randomUUID();

    const first = await send(a, chatId, { content: 'only once', clientId });
    expect(first.status).toBe(201);
    const again = await send(a, chatId, { content: 'only once', clientId });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // Even with other content: the stored message is the answer.
    const changed = await send(a, chatId, { content: 'changed my mind', clientId });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual(first.body);

    // The key is (sender, clientId): another sender may use the same clientId.
    const fromPeer = await send(b, chatId, { content: 'mine', clientId });
    expect(fromPeer.status).toBe(201);
    expect((fromPeer.body as Message).id).not.toBe((first.body as Message).id);

    const page = await historyPage(a, chatId);
    expect(page.messages.map((m) => [m.senderId, m.content])).toEqual([
      [a.id, 'only once'],
      [b.id, 'mine'],
    ]);
  });

  it('accepts 4000 characters after trimming', async () => {
    const { a, chatId } = await pair();
    const content = 'x'.repeat(4000);
    const res = await send(a, chatId, { content: `  ${content}  `, clientId: randomUUID() });
    expect(res.status).toBe(201);
    expect((res.body as Message).content).toBe(content);
  });

  it.each<[string, string, (clientId: string) => unknown]>([
    ['4001 characters', 'content', (clientId) => ({ content: 'x'.repeat(4001), clientId })],
    ['whitespace-only content', 'content', (clientId) => ({ content: ' \n\t ', clientId })],
    ['empty content', 'content', (clientId) => ({ content: '', clientId })],
    ['numeric content', 'content', (clientId) => ({ content: 42, clientId })],
    ['missing content', 'content', (clientId) => ({ clientId })],
    ['a clientId that is not a UUID', 'clientId', () => ({ content: 'hi', clientId: 'abc-123' })],
    ['a numeric clientId', 'clientId', () => ({ content: 'hi', clientId: 12345 })],
    ['missing clientId', 'clientId', () => ({ content: 'hi' })],
    [
      'an unknown extra field',
      'senderId',
      (clientId) => ({ content: 'hi', clientId, senderId: 'x' }),
    ],
  ])('answers 400 invalid for %s', async (_case, field, makeBody) => {
    const { a, chatId } = await pair();
    expectInvalid(await send(a, chatId, makeBody(randomUUID())), field);
    expect((await historyPage(a, chatId)).messages).toEqual([]);
  });

  it('answers 400 invalid for a malformed JSON body', async () => {
    const { a, chatId } = await pair();
    const res = await api()
      .post(`/api/chats/${chatId}/messages`)
      .set(bearer(a.token))
      .set('Content-Type', 'application/json')
      .send('{"content": "hi", ');
    expectApiError(res, 400, 'invalid');
  });

  it(`answers 429 rate_limited past the burst of ${E2E_LIMITS.messageBurst}, then recovers`, async () => {
    const { a, chatId } = await pair();
    const attempts = E2E_LIMITS.messageBurst + 30;

    const answers = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        send(a, chatId, { content: `burst ${i}`, clientId: randomUUID() }),
      ),
    );

    const limited = answers.filter((res) => res.status === 429);
    const stored = answers.filter((res) => res.status === 201);
    expect(stored.length + limited.length).toBe(attempts);
    expect(limited.length).toBeGreaterThan(0);
    expect(stored.length).toBeGreaterThanOrEqual(E2E_LIMITS.messageBurst);
    expectApiError(itemAt(limited, 0), 429, 'rate_limited');

    // Refused messages are not stored; after a pause the bucket has refilled a little.
    await sleep(500);
    expect((await send(a, chatId, { content: 'later', clientId: randomUUID() })).status).toBe(201);
    const page = await historyPage(a, chatId, { limit: '100' });
    expect(page.messages).toHaveLength(stored.length + 1);
  });
});

describe('GET /api/chats/:id/messages', () => {
  let a: TestUser;
  let b: TestUser;
  let chatId: string;
  let sent: Message[];

  beforeAll(async () => {
    ({ a, b, chatId } = await pair());
    sent = [];
    // Alternate senders so neither user's send bucket runs dry.
    for (let i = 0; i < 120; i++) {
      sent.push(await postMessage(i % 2 === 0 ? a : b, chatId, `message ${i + 1}`));
    }
  });

  it('stores ids that increase in send order', () => {
    expect(ascending(idsOf(sent))).toBe(true);
  });

  it('returns the newest page, ascending by id, when no cursor is given (default limit 50)', async () => {
    const page = await historyPage(b, chatId);
    expect(idsOf(page.messages)).toEqual(idsOf(sent.slice(-50)));
    expect(page.messages).toEqual(sent.slice(-50));
    expect(page.hasMore).toBe(true);
  });

  it('pages back with before, yielding every message exactly once, in order', async () => {
    const seen: Message[] = [];
    let page = await historyPage(a, chatId, { limit: '50' });
    const hasMore = [page.hasMore];
    seen.unshift(...page.messages);
    while (page.hasMore) {
      page = await historyPage(a, chatId, { limit: '50', before: itemAt(page.messages, 0).id });
      hasMore.push(page.hasMore);
      seen.unshift(...page.messages);
      if (hasMore.length > 5) break;
    }
    expect(hasMore).toEqual([true, true, false]);
    expect(idsOf(seen)).toEqual(idsOf(sent));
  });

  it('returns what came after a message with after, oldest first', async () => {
    const all = await historyPage(a, chatId, { after: itemAt(sent, 99).id });
    expect(idsOf(all.messages)).toEqual(idsOf(sent.slice(100)));
    expect(all.hasMore).toBe(false);

    const first = await historyPage(a, chatId, { after: itemAt(sent, 99).id, limit: '5' });
    expect(idsOf(first.messages)).toEqual(idsOf(sent.slice(100, 105)));
    expect(first.hasMore).toBe(true);

    const none = await historyPage(a, chatId, { after: itemAt(sent, 119).id });
    expect(none).toEqual({ messages: [], hasMore: false });
  });

  it('honours limit 1 and 100', async () => {
    const one = await historyPage(a, chatId, { limit: '1' });
    expect(idsOf(one.messages)).toEqual([itemAt(sent, 119).id]);
    expect(one.hasMore).toBe(true);

    const hundred = await historyPage(a, chatId, { limit: '100' });
    expect(idsOf(hundred.messages)).toEqual(idsOf(sent.slice(20)));
    expect(hundred.hasMore).toBe(true);
  });

  it.each<[string, Record<string, string>]>([
    ['limit', { limit: '0' }],
    ['limit', { limit: '101' }],
    ['limit', { limit: 'abc' }],
    ['limit', { limit: '-5' }],
    ['limit', { limit: '2.5' }],
    ['before', { before: '0' }],
    ['before', { before: '-1' }],
    ['before', { before: 'abc' }],
    ['before', { before: '1.5' }],
    ['after', { after: '0' }],
    ['after', { after: '-3' }],
    ['after', { after: 'xyz' }],
  ])('answers 400 invalid naming %s for %j', async (field, query) => {
    expectInvalid(await getHistory(a, chatId, query), field);
  });
});

describe('chats a caller may not see', () => {
  const secret = `secret ${randomUUID()}`;
  let a: TestUser;
  let b: TestUser;
  let outsider: TestUser;
  let targets: [string, string][];

  beforeAll(async () => {
    [a, b, outsider] = await registerUsers(3);
    const chat = await openDirectChat(a, b);
    const message = await postMessage(a, chat.id, secret);
    targets = [
      ['an existing chat of others', chat.id],
      ['a direct chat that does not exist yet', directChatId(a.id, outsider.id)],
      ['a chat id that does not exist', `nope-${randomUUID()}`],
      ['a malformed direct chat id', `dm:${outsider.id}:${outsider.id}`],
    ];
    expect(message.content).toBe(secret);
  });

  function expectForbidden(res: Response): void {
    expectApiError(res, 403, 'forbidden');
    expect(JSON.stringify(res.body)).not.toContain(secret);
  }

  it('GET messages answers 403 forbidden, leaking nothing', async () => {
    for (const [, chatId] of targets) {
      expectForbidden(await getHistory(outsider, chatId));
      expectForbidden(await getHistory(outsider, chatId, { after: '1' }));
    }
  });

  it('POST messages answers 403 forbidden and stores nothing', async () => {
    for (const [, chatId] of targets) {
      expectForbidden(
        await send(outsider, chatId, { content: 'let me in', clientId: randomUUID() }),
      );
    }
    const page = await historyPage(a, itemAt(targets, 0)[1]);
    expect(page.messages.map((m) => m.content)).toEqual([secret]);
  });

  it('POST read answers 403 forbidden', async () => {
    const lastId = itemAt((await historyPage(a, itemAt(targets, 0)[1])).messages, 0).id;
    for (const [, chatId] of targets) {
      expectForbidden(await markRead(outsider, chatId, { upToId: lastId }));
    }
  });

  it('the outsider does not list the chat', async () => {
    const chat = await findChat(outsider, itemAt(targets, 0)[1]);
    expect(chat).toBeUndefined();
  });
});

describe('unread state: lastMessage, unreadCount, lastReadId and POST /api/chats/:id/read', () => {
  it('counts only others’ messages after lastReadId, and reading moves forward only', async () => {
    const { a, b, chatId } = await pair();
    const [m1, m2, m3] = [
      await postMessage(b, chatId, 'one'),
      await postMessage(b, chatId, 'two'),
      await postMessage(b, chatId, 'three'),
    ];

    expect(await findChat(a, chatId)).toMatchObject({
      lastMessage: m3,
      unreadCount: 3,
      lastReadId: null,
    });
    expect(await findChat(b, chatId)).toMatchObject({ lastMessage: m3, unreadCount: 0 });

    // One's own messages are never unread.
    const m4 = await postMessage(a, chatId, 'four, from a');
    expect(await findChat(a, chatId)).toMatchObject({ lastMessage: m4, unreadCount: 3 });
    expect(await findChat(b, chatId)).toMatchObject({ lastMessage: m4, unreadCount: 1 });

    const read = await markRead(a, chatId, { upToId: m2.id });
    expect(read.status).toBe(204);
    expect(read.text ?? '').toBe('');
    expect(await findChat(a, chatId)).toMatchObject({ unreadCount: 1, lastReadId: m2.id });

    // A lower upToId later does not move it back.
    expect((await markRead(a, chatId, { upToId: m1.id })).status).toBe(204);
    expect(await findChat(a, chatId)).toMatchObject({ unreadCount: 1, lastReadId: m2.id });

    expect((await markRead(a, chatId, { upToId: m4.id })).status).toBe(204);
    expect(await findChat(a, chatId)).toMatchObject({ unreadCount: 0, lastReadId: m4.id });

    // New messages from the peer count again; B's own read state is separate.
    await postMessage(b, chatId, 'five');
    expect(await findChat(a, chatId)).toMatchObject({ unreadCount: 1, lastReadId: m4.id });
    expect(await findChat(b, chatId)).toMatchObject({ unreadCount: 1, lastReadId: null });
  });

  it.each<[string, string, unknown]>([
    ['a non-numeric upToId', 'upToId', { upToId: 'abc' }],
    ['upToId 0', 'upToId', { upToId: '0' }],
    ['a negative upToId', 'upToId', { upToId: '-4' }],
    ['a boolean upToId', 'upToId', { upToId: true }],
    ['a missing upToId', 'upToId', {}],
    ['an unknown extra field', 'unread', { upToId: '1', unread: 0 }],
  ])('answers 400 invalid for %s', async (_case, field, body) => {
    const { a, chatId } = await pair();
    expectInvalid(await markRead(a, chatId, body), field);
  });
});
