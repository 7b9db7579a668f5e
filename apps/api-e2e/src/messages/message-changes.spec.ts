import { LIMITS, type Chat, type ChangesPage, type Message } from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { E2E_LIMITS } from '../support/e2e-state';
import { historyPage } from '../support/expectations';
import { api, bearer, expectApiError, expectInvalid } from '../support/http';
import {
  ackData,
  connectSockets,
  emitAck,
  emitRaw,
  nextEvent,
  recordEvents,
  sleep,
} from '../support/sockets';
import {
  findChat,
  openDirectChat,
  postMessage,
  registerUsers,
  type TestUser,
} from '../support/users';

/** Two members of a direct chat and a third user who is not in it. */
async function trio() {
  const [a, b, c] = await registerUsers(3);
  const chat = await openDirectChat(a, b);
  return { a, b, c, chatId: chat.id };
}

const path = (chatId: string, messageId: string) =>
  `/api/chats/${encodeURIComponent(chatId)}/messages/${messageId}`;
const reactionPath = (chatId: string, messageId: string, emoji: string) =>
  `${path(chatId, messageId)}/reactions/${encodeURIComponent(emoji)}`;

const edit = (user: TestUser, chatId: string, messageId: string, body: unknown) =>
  api()
    .patch(path(chatId, messageId))
    .set(bearer(user.token))
    .send(body as object);
const remove = (user: TestUser, chatId: string, messageId: string) =>
  api().delete(path(chatId, messageId)).set(bearer(user.token));
const react = (user: TestUser, chatId: string, messageId: string, emoji: string, on = true) =>
  (on
    ? api().put(reactionPath(chatId, messageId, emoji))
    : api().delete(reactionPath(chatId, messageId, emoji))
  ).set(bearer(user.token));
const changes = (user: TestUser, chatId: string, query: Record<string, string>) =>
  api()
    .get(`/api/chats/${encodeURIComponent(chatId)}/changes`)
    .query(query)
    .set(bearer(user.token));

function ok(res: Response): Message {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 200 });
  return res.body as Message;
}

const newer = (a: Message, b: Message) => BigInt(a.version) > BigInt(b.version);

describe('PATCH /api/chats/:id/messages/:messageId', () => {
  it('edits the sender’s message, tells every member’s socket, and a repeat changes nothing', async () => {
    const { a, b, chatId } = await trio();
    const sent = await postMessage(a, chatId, 'helo');
    const [bSocket] = await connectSockets([b]);
    const updated = nextEvent(bSocket, 'message:updated');

    const edited = ok(await edit(a, chatId, sent.id, { content: '  hello  ' }));
    expect(edited).toMatchObject({ id: sent.id, content: 'hello', deleted: false });
    expect(edited.editedAt).toEqual(expect.any(String));
    expect(newer(edited, sent)).toBe(true);
    expect(await updated).toEqual(edited);

    // A retry after a lost answer: the same state, the same version, no second change.
    const again = ok(await edit(a, chatId, sent.id, { content: 'hello' }));
    expect(again).toEqual(edited);
    expect((await historyPage(b, chatId)).messages).toEqual([edited]);
  });

  it('checks membership, then the message in that chat, then the right to edit; bad content is 400', async () => {
    const { a, b, c, chatId } = await trio();
    const sent = await postMessage(a, chatId, 'mine');
    const elsewhere = await postMessage(a, 'all', 'in All');

    expectApiError(await edit(c, chatId, sent.id, { content: 'x' }), 403, 'forbidden');
    expectApiError(await edit(c, chatId, 'nope', { content: 'x' }), 403, 'forbidden');
    expectApiError(await edit(a, chatId, elsewhere.id, { content: 'x' }), 404, 'not_found');
    expectApiError(await edit(a, chatId, '999999999999', { content: 'x' }), 404, 'not_found');
    expectApiError(await edit(a, chatId, 'abc', { content: 'x' }), 404, 'not_found');
    expectApiError(await edit(b, chatId, sent.id, { content: 'x' }), 403, 'forbidden');
    expectInvalid(await edit(a, chatId, sent.id, { content: '   ' }), 'content');
    expectInvalid(await edit(a, chatId, sent.id, { content: 'x'.repeat(4001) }), 'content');
    expectInvalid(await edit(a, chatId, sent.id, {}), 'content');

    expect((await historyPage(a, chatId)).messages).toEqual([sent]);
  });
});

describe('DELETE /api/chats/:id/messages/:messageId', () => {
  it('leaves a tombstone, answers it unchanged when deleted again, and nothing can change it after', async () => {
    const { a, b, chatId } = await trio();
    const original = await postMessage(a, chatId, 'take this back');
    ok(await react(b, chatId, original.id, '👍'));
    const replied = await api()
      .post(`/api/chats/${chatId}/messages`)
      .set(bearer(b.token))
      .send({ content: 'what?', clientId: randomUUID(), replyToId: original.id });
    expect(replied.status).toBe(201);
    const reply = replied.body as Message;
    expect(reply.replyTo).toEqual({
      id: original.id,
      senderId: a.id,
      senderName: a.fullName,
      excerpt: 'take this back',
      deleted: false,
    });

    expectApiError(await remove(b, chatId, original.id), 403, 'forbidden');
    const tombstone = ok(await remove(a, chatId, original.id));
    expect(tombstone).toMatchObject({
      id: original.id,
      chatId,
      senderId: a.id,
      senderName: a.fullName,
      createdAt: original.createdAt,
      content: '',
      deleted: true,
      reactions: [],
      attachments: [],
    });
    expect(ok(await remove(a, chatId, original.id))).toEqual(tombstone);

    expectApiError(await edit(a, chatId, original.id, { content: 'again' }), 403, 'forbidden');
    expectApiError(await react(b, chatId, original.id, '❤️'), 403, 'forbidden');
    // A reply to a deleted message is refused; the old reply now shows the tombstone.
    const late = await api()
      .post(`/api/chats/${chatId}/messages`)
      .set(bearer(b.token))
      .send({ content: 'late', clientId: randomUUID(), replyToId: original.id });
    expectInvalid(late, 'replyToId');
    const page = await historyPage(a, chatId);
    expect(page.messages.map((m) => m.id)).toEqual([original.id, reply.id]);
    expect(itemAt(page.messages, 0)).toEqual(tombstone);
    expect(itemAt(page.messages, 1).replyTo).toEqual({
      id: original.id,
      senderId: a.id,
      senderName: a.fullName,
      excerpt: '',
      deleted: true,
    });
  });

  it('does not count a deleted message as unread', async () => {
    const { a, b, chatId } = await trio();
    const first = await postMessage(a, chatId, 'one');
    await postMessage(a, chatId, 'two');
    expect((await findChat(b, chatId))?.unreadCount).toBe(2);
    ok(await remove(a, chatId, first.id));
    const chat = (await findChat(b, chatId)) as Chat;
    expect(chat.unreadCount).toBe(1);
    expectApiError(await remove(a, chatId, 'x'), 404, 'not_found');
  });
});

describe('replyToId', () => {
  it('must be a message of the same chat: else 400 invalid, nothing stored', async () => {
    const { a, c, chatId } = await trio();
    const elsewhere = await postMessage(a, 'all', 'in All');
    const long = await postMessage(a, chatId, 'é'.repeat(300));
    const send = (user: TestUser, replyToId: unknown) =>
      api()
        .post(`/api/chats/${chatId}/messages`)
        .set(bearer(user.token))
        .send({ content: 'reply', clientId: randomUUID(), replyToId });

    expectInvalid(await send(a, elsewhere.id), 'replyToId');
    expectInvalid(await send(a, '999999999999'), 'replyToId');
    expectInvalid(await send(a, 'abc'), 'replyToId');
    expectApiError(await send(c, long.id), 403, 'forbidden');
    const reply = await send(a, long.id);
    expect(reply.status).toBe(201);
    expect((reply.body as Message).replyTo?.excerpt).toBe('é'.repeat(200));
    expect((await historyPage(a, chatId)).messages).toHaveLength(2);
  });
});

describe('PUT and DELETE …/reactions/:emoji', () => {
  it('sets and clears reactions in the order first used, each once however often it is sent', async () => {
    const { a, b, chatId } = await trio();
    const sent = await postMessage(a, chatId, 'react to me');

    const one = ok(await react(b, chatId, sent.id, '👍'));
    expect(one.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [b.id] }]);
    expect(ok(await react(b, chatId, sent.id, '👍'))).toEqual(one);
    ok(await react(a, chatId, sent.id, '🇫🇷'));
    const both = ok(await react(a, chatId, sent.id, '👍'));
    expect(both.reactions).toEqual([
      { emoji: '👍', count: 2, userIds: [b.id, a.id] },
      { emoji: '🇫🇷', count: 1, userIds: [a.id] },
    ]);

    // 👍 is now first used (of the reactions it has) by a, after a's 🇫🇷.
    const cleared = ok(await react(b, chatId, sent.id, '👍', false));
    expect(cleared.reactions).toEqual([
      { emoji: '🇫🇷', count: 1, userIds: [a.id] },
      { emoji: '👍', count: 1, userIds: [a.id] },
    ]);
    expect(newer(cleared, both)).toBe(true);
    // Clearing what is not set changes nothing.
    expect(ok(await react(b, chatId, sent.id, '👍', false))).toEqual(cleared);
  });

  it('refuses what is not one emoji and a 21st different emoji, storing nothing', async () => {
    const { a, c, chatId } = await trio();
    const sent = await postMessage(a, chatId, 'many');
    for (const bad of ['a', '👍👍', ':+1:', '1']) {
      expectInvalid(await react(a, chatId, sent.id, bad), 'emoji');
    }
    expectApiError(
      await api()
        .put(`${path(chatId, sent.id)}/reactions/%F0%9F`)
        .set(bearer(a.token)),
      400,
      'invalid',
    );
    expectApiError(await react(c, chatId, sent.id, '👍'), 403, 'forbidden');
    expectApiError(await react(a, chatId, '999999999999', '👍'), 404, 'not_found');

    const twenty = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗'];
    expect(twenty).toHaveLength(LIMITS.reactionsPerUserMax);
    let last = sent;
    for (const emoji of twenty) last = ok(await react(a, chatId, sent.id, emoji));
    expect(last.reactions).toHaveLength(20);
    expectInvalid(await react(a, chatId, sent.id, '🤩'), 'emoji');
    // Setting one already set is still fine, and nothing changed.
    expect(ok(await react(a, chatId, sent.id, '😀'))).toEqual(last);
    expect(itemAt((await historyPage(a, chatId)).messages, 0)).toEqual(last);
  });
});

describe('GET /api/chats/:id/changes', () => {
  it('returns each changed message once, in its current state, ascending by version, a page at a time', async () => {
    const { a, b, c, chatId } = await trio();
    const m1 = await postMessage(a, chatId, 'one');
    const m2 = await postMessage(b, chatId, 'two');
    const m3 = await postMessage(a, chatId, 'three');
    const start = await changes(a, chatId, { since: '0' });
    expect(start.status).toBe(200);
    const all = start.body as ChangesPage;
    expect(all).toEqual({ messages: [m1, m2, m3], hasMore: false, version: m3.version });
    expect((await findChat(b, chatId))?.version).toBe(m3.version);

    ok(await edit(a, chatId, m1.id, { content: 'one!' }));
    ok(await react(a, chatId, m2.id, '🎉'));
    const gone = ok(await remove(a, chatId, m3.id));

    const first = (await changes(b, chatId, { since: all.version, limit: '2' }))
      .body as ChangesPage;
    expect(first.messages.map((m) => m.id)).toEqual([m1.id, m2.id]);
    expect(first.hasMore).toBe(true);
    const rest = (await changes(b, chatId, { since: first.version, limit: '2' }))
      .body as ChangesPage;
    expect(rest).toEqual({ messages: [gone], hasMore: false, version: gone.version });
    const none = (await changes(b, chatId, { since: rest.version })).body as ChangesPage;
    expect(none).toEqual({ messages: [], hasMore: false, version: rest.version });
    expect((await findChat(a, chatId))?.version).toBe(gone.version);

    expectApiError(await changes(c, chatId, { since: '0' }), 403, 'forbidden');
    expectInvalid(await changes(a, chatId, { since: '-1' }), 'since');
    expectInvalid(await changes(a, chatId, {}), 'since');
    expectInvalid(await changes(a, chatId, { since: '0', limit: '501' }), 'limit');
    expectInvalid(await changes(a, chatId, { since: '0', limit: '0' }), 'limit');
  });
});

describe('message:edit, message:delete, reaction:set, chat:changes', () => {
  it('change messages over the socket with acks; members hear message:updated, others nothing', async () => {
    const { a, b, c, chatId } = await trio();
    const [aSocket, bSocket, cSocket] = await connectSockets([a, b, c]);
    const cHears = recordEvents(cSocket, 'message:updated');
    const sent = ackData(
      await emitAck(aSocket, 'message:send', { chatId, content: 'hi', clientId: randomUUID() }),
    );

    const heard = nextEvent(bSocket, 'message:updated');
    const edited = ackData(
      await emitAck(aSocket, 'message:edit', { chatId, messageId: sent.id, content: 'hi!' }),
    );
    expect(await heard).toEqual(edited);
    const retried = await emitAck(aSocket, 'message:edit', {
      chatId,
      messageId: sent.id,
      content: 'hi!',
    });
    expect(ackData(retried)).toEqual(edited);

    const reaction = { chatId, messageId: sent.id, emoji: '❤️', on: true };
    const liked = ackData(await emitAck(bSocket, 'reaction:set', reaction));
    expect(ackData(await emitAck(bSocket, 'reaction:set', reaction))).toEqual(liked);
    expect(liked.reactions).toEqual([{ emoji: '❤️', count: 1, userIds: [b.id] }]);
    const unliked = ackData(await emitAck(bSocket, 'reaction:set', { ...reaction, on: false }));
    expect(unliked.reactions).toEqual([]);

    const page = ackData(await emitAck(bSocket, 'chat:changes', { chatId, since: sent.version }));
    expect(page).toEqual({ messages: [unliked], hasMore: false, version: unliked.version });

    const tombstone = ackData(
      await emitAck(aSocket, 'message:delete', { chatId, messageId: sent.id }),
    );
    expect(tombstone).toMatchObject({ deleted: true, content: '', version: expect.any(String) });
    expect(
      ackData(await emitAck(aSocket, 'message:delete', { chatId, messageId: sent.id })),
    ).toEqual(tombstone);

    await sleep(100);
    expect(cHears.events).toEqual([]);
  });

  it('answers refusals in the contract’s order with failed acks, and the socket stays connected', async () => {
    const { a, b, c, chatId } = await trio();
    const [aSocket, bSocket, cSocket] = await connectSockets([a, b, c]);
    const sent = await postMessage(a, chatId, 'mine');
    const code = async (ack: Promise<{ ok: boolean; error?: { code: string } }>) => {
      const result = await ack;
      return result.ok ? 'ok' : result.error?.code;
    };

    expect(
      await code(emitRaw(cSocket, 'message:edit', { chatId, messageId: sent.id, content: 'x' })),
    ).toBe('forbidden');
    expect(
      await code(
        emitRaw(aSocket, 'message:edit', { chatId, messageId: '999999999999', content: 'x' }),
      ),
    ).toBe('not_found');
    expect(
      await code(emitRaw(bSocket, 'message:edit', { chatId, messageId: sent.id, content: 'x' })),
    ).toBe('forbidden');
    expect(await code(emitRaw(bSocket, 'message:delete', { chatId, messageId: sent.id }))).toBe(
      'forbidden',
    );
    expect(
      await code(emitRaw(aSocket, 'message:edit', { chatId, messageId: sent.id, content: '' })),
    ).toBe('invalid');
    expect(
      await code(
        emitRaw(bSocket, 'reaction:set', { chatId, messageId: sent.id, emoji: 'ab', on: true }),
      ),
    ).toBe('invalid');
    expect(
      await code(emitRaw(bSocket, 'reaction:set', { chatId, messageId: sent.id, emoji: '👍' })),
    ).toBe('invalid');
    expect(await code(emitRaw(cSocket, 'chat:changes', { chatId, since: '0' }))).toBe('forbidden');
    expect(await code(emitRaw(aSocket, 'chat:changes', { chatId, since: 'x' }))).toBe('invalid');
    expect(
      await code(
        emitRaw(aSocket, 'message:send', {
          chatId,
          content: 'r',
          clientId: randomUUID(),
          replyToId: 'x',
        }),
      ),
    ).toBe('invalid');

    for (const socket of [aSocket, bSocket, cSocket]) expect(socket.connected).toBe(true);
    expect((await historyPage(a, chatId)).messages).toEqual([sent]);
  });

  it('counts edits against the same per-user limit as sends', async () => {
    const { a, chatId } = await trio();
    const sent = await postMessage(a, chatId, 'v0');
    const each = E2E_LIMITS.messageBurst;
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: each }, (_, i) => [
        edit(a, chatId, sent.id, { content: `v${i + 1}` }),
        api()
          .post(`/api/chats/${chatId}/messages`)
          .set(bearer(a.token))
          .send({ content: `s${i}`, clientId: randomUUID() }),
      ]).flat(),
    );
    const seconds = (Date.now() - started) / 1000;
    const limited = answers.filter((res) => res.status === 429);
    expectApiError(itemAt(limited, 0), 429, 'rate_limited');
    // One bucket for both: at most the burst plus what refilled while they ran.
    const done = answers.filter((res) => res.status === 200 || res.status === 201);
    expect(done.length + limited.length).toBe(2 * each);
    expect(done.length).toBeLessThanOrEqual(each + Math.ceil(seconds * E2E_LIMITS.messageRate) + 1);
  });
});
