import {
  AuthResult,
  GLOBAL_CHAT_ID,
  HANDSHAKE_UNAUTHORIZED,
  Message,
  User,
} from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import { ascending, expectMessage, historyPage, idsOf } from '../support/expectations';
import { api, bearer } from '../support/http';
import {
  QUIET_MS,
  SOCKET_TIMEOUT_MS,
  ackData,
  closeSocket,
  connectError,
  connectSession,
  connectSocket,
  connectSockets,
  disconnection,
  emitAck,
  emitRaw,
  expectAckError,
  nextEvent,
  recordEvents,
  sleep,
  waitFor,
} from '../support/sockets';
import { expiredCopy, forgedCopy } from '../support/tokens';
import {
  TestUser,
  findChat,
  openDirectChat,
  postMessage,
  registerUser,
  registerUsers,
} from '../support/users';

/** Users a and b with a direct chat, and c who is in no chat with them but `all`. */
async function trio(): Promise<{ a: TestUser; b: TestUser; c: TestUser; chatId: string }> {
  const [a, b, c] = await registerUsers(3);
  const chat = await openDirectChat(a, b);
  return { a, b, c, chatId: chat.id };
}

async function onlineAsSeenBy(viewer: TestUser, user: TestUser): Promise<boolean | undefined> {
  const res = await api().get('/api/users').query({ search: user.login }).set(bearer(viewer.token));
  return (res.body as User[]).find((u) => u.id === user.id)?.online;
}

describe('handshake', () => {
  it.each<[string, (user: TestUser) => string | undefined]>([
    ['no token', () => undefined],
    ['an empty token', () => ''],
    ['a garbage token', () => 'garbage.token.here'],
    ['a token signed with another secret', (user) => forgedCopy(user.token)],
    ['an expired token', (user) => expiredCopy(user.token)],
  ])('fails with connect_error unauthorized for %s', async (_case, tokenOf) => {
    const user = await registerUser();
    const error = await connectError(tokenOf(user));
    expect(error.message).toBe(HANDSHAKE_UNAUTHORIZED);
  });

  it('fails with connect_error unauthorized for a token revoked by logout', async () => {
    const user = await registerUser();
    expect((await api().post('/api/auth/logout').set(bearer(user.token))).status).toBe(204);
    const error = await connectError(user.token);
    expect(error.message).toBe(HANDSHAKE_UNAUTHORIZED);
  });

  it('an expired token is refused on REST too', async () => {
    const user = await registerUser();
    const res = await api()
      .get('/api/users/me')
      .set(bearer(expiredCopy(user.token)));
    expect(res.status).toBe(401);
  });

  it('emits session with the user, online, to the socket that connected', async () => {
    const user = await registerUser();
    const { socket, session } = await connectSession(user.token);
    expect(session).toEqual({
      user: { id: user.id, login: user.login, fullName: user.fullName, online: true },
    });
    expect(socket.connected).toBe(true);
  });
});

describe('message:send and message:new', () => {
  it('acks the Message and delivers it to every tab of every member, but not to others', async () => {
    const { a, b, c, chatId } = await trio();
    const [a1, a2, b1, b2, c1] = await connectSockets([a, a, b, b, c]);
    const outsider = recordEvents(c1, 'message:new');
    const clientId = randomUUID();
    const isIt = (m: Message): boolean => m.clientId === clientId;
    const deliveries = [a2, b1, b2].map((socket) => nextEvent(socket, 'message:new', 3_000, isIt));

    const ack = await emitAck(a1, 'message:send', { chatId, content: '  hi b  ', clientId });
    expect(ack.ok).toBe(true);
    const message = expectMessage(ackData(ack), { chatId, sender: a, content: 'hi b', clientId });

    for (const delivered of await Promise.all(deliveries)) expect(delivered).toEqual(message);
    await sleep(QUIET_MS);
    expect(outsider.events.filter((m) => m.chatId === chatId)).toEqual([]);

    // It is stored: history shows it.
    expect((await historyPage(b, chatId)).messages).toEqual([message]);
  });

  it('a REST send is delivered to the sockets too', async () => {
    const { a, b, chatId } = await trio();
    const b1 = await connectSocket(b.token);
    const arrives = nextEvent(b1, 'message:new');
    const sent = await postMessage(a, chatId, 'over REST');
    expect(await arrives).toEqual(sent);
  });

  it('in the global chat reaches every user', async () => {
    const [a, c] = await registerUsers(2);
    const a1 = await connectSocket(a.token);
    const c1 = await connectSocket(c.token);
    const clientId = randomUUID();
    const arrives = nextEvent(c1, 'message:new', 3_000, (m) => m.clientId === clientId);

    const ack = await emitAck(a1, 'message:send', {
      chatId: GLOBAL_CHAT_ID,
      content: 'hello everyone',
      clientId,
    });
    const message = expectMessage(ackData(ack), {
      chatId: GLOBAL_CHAT_ID,
      sender: a,
      content: 'hello everyone',
      clientId,
    });
    expect(await arrives).toEqual(message);
  });

  it('the same clientId sent at once on two sockets stores one message; both acks carry it', async () => {
    const { a, b, chatId } = await trio();
    const a1 = await connectSocket(a.token);
    const a2 = await connectSocket(a.token);
    const payload = { chatId, content: 'sent twice', clientId: randomUUID() };

    const [first, second] = await Promise.all([
      emitAck(a1, 'message:send', payload),
      emitAck(a2, 'message:send', payload),
    ]);

    const message = ackData(first);
    expect(ackData(second)).toEqual(message);
    expect((await historyPage(b, chatId)).messages).toEqual([message]);
  });
});

describe('chat:history', () => {
  it('acks a page ascending by id, with hasMore, before and after', async () => {
    const { a, b, chatId } = await trio();
    const sent: Message[] = [];
    for (let i = 0; i < 5; i++) sent.push(await postMessage(i % 2 ? a : b, chatId, `m${i}`));
    const socket = await connectSocket(a.token);

    const newest = ackData(await emitAck(socket, 'chat:history', { chatId, limit: 2 }));
    expect(newest).toEqual({ messages: sent.slice(3), hasMore: true });

    const older = ackData(
      await emitAck(socket, 'chat:history', { chatId, before: itemAt(sent, 3).id, limit: 2 }),
    );
    expect(older).toEqual({ messages: sent.slice(1, 3), hasMore: true });

    const after = ackData(
      await emitAck(socket, 'chat:history', { chatId, after: itemAt(sent, 1).id }),
    );
    expect(after).toEqual({ messages: sent.slice(2), hasMore: false });

    const whole = ackData(await emitAck(socket, 'chat:history', { chatId }));
    expect(whole).toEqual({ messages: sent, hasMore: false });
    expect(ascending(idsOf(whole.messages))).toBe(true);
  });
});

describe('chat:read', () => {
  it('acks {} and sends {chatId, userId, upToId} to every socket of every member', async () => {
    const { a, b, c, chatId } = await trio();
    await postMessage(b, chatId, 'one');
    const last = await postMessage(b, chatId, 'two');
    const [a1, a2, b1, b2, c1] = await connectSockets([a, a, b, b, c]);
    const outsider = recordEvents(c1, 'chat:read');
    const tabs = { a1, a2, b1, b2 };
    const seen = Object.fromEntries(
      Object.entries(tabs).map(([name, socket]) => [
        name,
        recordEvents(socket, 'chat:read').events,
      ]),
    );

    const ack = await emitAck(a1, 'chat:read', { chatId, upToId: last.id });
    expect(ack).toEqual({ ok: true, data: {} });

    const receipt = { chatId, userId: a.id, upToId: last.id };
    await waitFor(
      'a receipt on every tab',
      () => Object.values(seen).every((events) => events.length > 0),
      SOCKET_TIMEOUT_MS,
    ).catch(() => {
      // The assertion below names the tabs that got nothing.
    });
    await sleep(QUIET_MS);
    expect(seen).toEqual({ a1: [receipt], a2: [receipt], b1: [receipt], b2: [receipt] });
    expect(outsider.events).toEqual([]);
    expect(await findChat(a, chatId)).toMatchObject({ unreadCount: 0, lastReadId: last.id });
  });
});

describe('typing', () => {
  it('acks {} and reaches the other member only', async () => {
    const { a, b, c, chatId } = await trio();
    const [a1, a2, b1, c1] = await connectSockets([a, a, b, c]);
    const ownTab = recordEvents(a2, 'typing');
    const outsider = recordEvents(c1, 'typing');

    const started = nextEvent(b1, 'typing');
    expect(await emitAck(a1, 'typing', { chatId, isTyping: true })).toEqual({ ok: true, data: {} });
    expect(await started).toEqual({ chatId, userId: a.id, isTyping: true });

    const stopped = nextEvent(b1, 'typing');
    expect(await emitAck(a1, 'typing', { chatId, isTyping: false })).toEqual({
      ok: true,
      data: {},
    });
    expect(await stopped).toEqual({ chatId, userId: a.id, isTyping: false });

    await sleep(QUIET_MS);
    expect(ownTab.events).toEqual([]);
    expect(outsider.events).toEqual([]);
  });
});

describe('presence', () => {
  it('goes online with the first tab and offline only when the last tab closes', async () => {
    const { a, b } = await trio();
    const watcher = await connectSocket(b.token);
    const isA = (p: { userId: string }): boolean => p.userId === a.id;

    const online = nextEvent(watcher, 'presence', 3_000, isA);
    const tab1 = await connectSocket(a.token);
    expect(await online).toEqual({ userId: a.id, online: true });
    expect(await onlineAsSeenBy(b, a)).toBe(true);

    const tab2 = await connectSocket(a.token);
    const afterSecondTab = recordEvents(watcher, 'presence');
    closeSocket(tab1);
    await sleep(QUIET_MS);
    expect(afterSecondTab.events.filter((p) => isA(p) && !p.online)).toEqual([]);
    expect(await onlineAsSeenBy(b, a)).toBe(true);

    const offline = nextEvent(watcher, 'presence', 3_000, (p) => isA(p) && !p.online);
    closeSocket(tab2);
    expect(await offline).toEqual({ userId: a.id, online: false });
    await waitFor('online=false', async () => (await onlineAsSeenBy(b, a)) === false, 2_000);
  });
});

describe('invalid payloads', () => {
  /** Sends each payload, expects an `invalid` ack, then proves the socket still works. */
  async function expectAllInvalid(
    event: string,
    payloads: unknown[],
    fixture: { a: TestUser; b: TestUser; chatId: string },
  ): Promise<void> {
    const socket = await connectSocket(fixture.a.token);
    const peer = await connectSocket(fixture.b.token);
    for (const payload of payloads) {
      const ack = await emitRaw(socket, event, payload);
      expect({ payload, ack }).toEqual({
        payload,
        ack: { ok: false, error: { code: 'invalid', message: expect.any(String) } },
      });
    }
    expect(socket.connected).toBe(true);
    const clientId = randomUUID();
    const arrives = nextEvent(peer, 'message:new', 3_000, (m) => m.clientId === clientId);
    const ack = await emitAck(socket, 'message:send', {
      chatId: fixture.chatId,
      content: 'still here',
      clientId,
    });
    expect(ack.ok).toBe(true);
    await arrives;
  }

  const nonObjects: unknown[] = [null, 'hello', 42, true, ['a', 'b']];

  it('message:send', async () => {
    const fixture = await trio();
    const { chatId } = fixture;
    const clientId = randomUUID();
    await expectAllInvalid(
      'message:send',
      [
        ...nonObjects,
        {},
        { chatId, clientId },
        { chatId, content: 'hi' },
        { content: 'hi', clientId },
        { chatId, content: 42, clientId },
        { chatId, content: 'hi', clientId: 42 },
        { chatId: 42, content: 'hi', clientId },
        { chatId, content: '   ', clientId },
        { chatId, content: '', clientId },
        { chatId, content: 'x'.repeat(4001), clientId },
        { chatId, content: 'hi', clientId: 'not-a-uuid' },
        { chatId, content: 'hi', clientId, senderId: fixture.b.id },
      ],
      fixture,
    );
    expect((await historyPage(fixture.a, chatId)).messages.map((m) => m.content)).toEqual([
      'still here',
    ]);
  });

  it('chat:create', async () => {
    const fixture = await trio();
    await expectAllInvalid(
      'chat:create',
      [
        ...nonObjects,
        {},
        { peerId: 42 },
        { peerId: '' },
        { peerId: fixture.c.id, title: 'mine' },
        { peerId: fixture.a.id },
      ],
      fixture,
    );
  });

  it('chat:history', async () => {
    const fixture = await trio();
    const { chatId } = fixture;
    await expectAllInvalid(
      'chat:history',
      [
        ...nonObjects,
        {},
        { chatId: 42 },
        { chatId, limit: 0 },
        { chatId, limit: 101 },
        { chatId, limit: 'abc' },
        { chatId, limit: 2.5 },
        { chatId, before: 'abc' },
        { chatId, before: '0' },
        { chatId, before: true },
        { chatId, after: '-1' },
        { chatId, after: 'x1' },
        { chatId, page: 2 },
      ],
      fixture,
    );
  });

  it('chat:read', async () => {
    const fixture = await trio();
    const { chatId } = fixture;
    await expectAllInvalid(
      'chat:read',
      [
        ...nonObjects,
        {},
        { chatId },
        { upToId: '1' },
        { chatId, upToId: 'abc' },
        { chatId, upToId: '0' },
        { chatId, upToId: '-2' },
        { chatId, upToId: true },
        { chatId: 42, upToId: '1' },
        { chatId, upToId: '1', userId: fixture.b.id },
      ],
      fixture,
    );
  });

  it('typing', async () => {
    const fixture = await trio();
    const { chatId } = fixture;
    await expectAllInvalid(
      'typing',
      [
        ...nonObjects,
        {},
        { chatId },
        { isTyping: true },
        { chatId, isTyping: 'yes' },
        { chatId, isTyping: 1 },
        { chatId: 42, isTyping: true },
        { chatId, isTyping: true, userId: fixture.b.id },
      ],
      fixture,
    );
  });
});

describe('chats a socket may not use', () => {
  it('acks forbidden for message:send, chat:history, chat:read and typing, leaking nothing', async () => {
    const { a, b, c, chatId } = await trio();
    const secret = await postMessage(a, chatId, `secret ${randomUUID()}`);
    const outsider = await connectSocket(c.token);
    const member = await connectSocket(b.token);
    const memberTyping = recordEvents(member, 'typing');
    const memberMessages = recordEvents(member, 'message:new');
    const chatIds = [chatId, `dm:${a.id}:${c.id}`, `dm:${c.id}:${a.id}`, `nope-${randomUUID()}`];

    for (const target of chatIds) {
      const results = [
        await emitAck(outsider, 'message:send', {
          chatId: target,
          content: 'let me in',
          clientId: randomUUID(),
        }),
        await emitAck(outsider, 'chat:history', { chatId: target }),
        await emitAck(outsider, 'chat:read', { chatId: target, upToId: secret.id }),
        await emitAck(outsider, 'typing', { chatId: target, isTyping: true }),
      ];
      for (const ack of results) {
        expectAckError(ack, 'forbidden');
        expect(JSON.stringify(ack)).not.toContain(secret.content);
      }
    }

    expect(outsider.connected).toBe(true);
    await sleep(QUIET_MS);
    expect(memberTyping.events).toEqual([]);
    expect(memberMessages.events).toEqual([]);
    expect((await historyPage(a, chatId)).messages).toEqual([secret]);
  });
});

describe('logout and reconnection', () => {
  it('logout over REST disconnects the open socket of that session, which cannot come back', async () => {
    const user = await registerUser();
    // A new second, so the second session's token differs even if it holds only { sub, iat, exp }.
    await sleep(1_100);
    const login = await api()
      .post('/api/auth/login')
      .send({ login: user.login, password: user.password });
    const otherToken = (login.body as AuthResult).accessToken;
    const socket = await connectSocket(user.token);
    const otherSession = await connectSocket(otherToken);
    const gone = disconnection(socket);

    expect((await api().post('/api/auth/logout').set(bearer(user.token))).status).toBe(204);

    await gone;
    expect(socket.connected).toBe(false);
    expect((await connectError(user.token)).message).toBe(HANDSHAKE_UNAUTHORIZED);

    // The other session is not affected.
    await sleep(QUIET_MS);
    expect(otherSession.connected).toBe(true);
    expect(
      ackData(await emitAck(otherSession, 'chat:history', { chatId: GLOBAL_CHAT_ID, limit: 1 })),
    ).toEqual({ messages: expect.any(Array), hasMore: expect.any(Boolean) });
  });

  it('a user offline while messages were sent catches up with chat:history after', async () => {
    const { a, b, chatId } = await trio();
    const first = await connectSocket(b.token);
    const seen = nextEvent(first, 'message:new');
    await postMessage(a, chatId, 'before going offline');
    const lastSeenId = (await seen).id;
    closeSocket(first);

    const missed = [
      await postMessage(a, chatId, 'missed 1'),
      await postMessage(a, chatId, 'missed 2'),
      await postMessage(a, chatId, 'missed 3'),
    ];

    const again = await connectSocket(b.token);
    const caughtUp = ackData(await emitAck(again, 'chat:history', { chatId, after: lastSeenId }));
    expect(caughtUp).toEqual({ messages: missed, hasMore: false });
  });
});
