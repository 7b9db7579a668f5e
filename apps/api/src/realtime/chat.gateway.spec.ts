import { randomUUID } from 'node:crypto';
import type { Ack, Chat, Message, PresenceBatchEvent, PresenceEvent } from '@chat/shared-types';
import {
  disconnection,
  emitRaw,
  nextEvent,
  receives,
  waitFor,
  type ChatSocket,
} from '@chat/test-harness';
import { ChatsService } from '../chats/chats.service';
import { TestApp } from '../testing/test-app';

/** `{ a: { a: … } }`, `depth` levels deep. */
function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Any event and payload (valid or not), with the ack typed as the test expects it. */
const emit = <T>(socket: ChatSocket, event: string, payload: unknown) =>
  emitRaw(socket, event, payload) as Promise<Ack<T>>;

describe('ChatGateway', () => {
  const t = TestApp.forSpec();

  async function pair() {
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    const { chat } = await t.get(ChatsService).createDirect(ann.user.id, bob.user.id);
    return { ann, bob, chatId: chat.id };
  }

  it('delivers a message to every socket of every member, and to no one else', async () => {
    const { ann, bob, chatId } = await pair();
    const eve = await t.register('Eve');
    const [annTab1, annTab2, bobTab, eveTab] = await Promise.all([
      t.connect(ann.accessToken),
      t.connect(ann.accessToken),
      t.connect(bob.accessToken),
      t.connect(eve.accessToken),
    ]);
    const arrivals = [annTab2, bobTab].map((s) => nextEvent(s, 'message:new'));
    const eveHears = receives(eveTab, 'message:new', 500);

    const ack = await emit<Message>(annTab1, 'message:send', {
      chatId,
      content: 'hi',
      clientId: randomUUID(),
    });

    expect(ack).toEqual({ ok: true, data: expect.anything() });
    const sent = ack.ok ? ack.data : null;
    expect(await Promise.all(arrivals)).toEqual([sent, sent]);
    expect(await eveHears).toBe(false);
  });

  it('answers invalid and forbidden with a failed ack and keeps the socket usable', async () => {
    const { ann, chatId } = await pair();
    const socket = await t.connect(ann.accessToken);
    const bad = [
      ['message:send', { chatId, content: '', clientId: randomUUID() }],
      ['message:send', { chatId, content: 'x'.repeat(4001), clientId: randomUUID() }],
      ['message:send', { chatId, content: 'x', clientId: 'not-a-uuid' }],
      ['message:send', { chatId, content: 'x', clientId: randomUUID(), senderId: 'forged' }],
      ['message:send', 'just a string'],
      ['chat:history', { chatId, limit: 0 }],
      ['chat:read', { chatId, upToId: '-1' }],
      ['typing', { chatId, isTyping: 'yes' }],
      ['chat:create', { peerId: 42 }],
      ['message:send', { chatId, content: 'a\u0000b', clientId: randomUUID() }],
      ['chat:read', { chatId, upToId: '9223372036854775808' }],
      ['chat:history', { chatId, before: '99999999999999999999' }],
      ['message:send', { chatId, content: nested(100), clientId: randomUUID() }],
    ] as const;
    for (const [event, payload] of bad) {
      const ack = await emit(socket, event, payload);
      expect(ack).toEqual({ ok: false, error: { code: 'invalid', message: expect.any(String) } });
    }
    const elsewhere = 'dm:nobody:nowhere';
    const forbidden = [
      ['message:send', { chatId: elsewhere, content: 'x', clientId: randomUUID() }],
      ['chat:history', { chatId: elsewhere }],
      ['chat:read', { chatId: elsewhere, upToId: '1' }],
      ['typing', { chatId: elsewhere, isTyping: true }],
    ] as const;
    for (const [event, payload] of forbidden) {
      expect(await emit(socket, event, payload)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    expect(socket.connected).toBe(true);
    const fine = await emit<Message>(socket, 'message:send', {
      chatId,
      content: 'ok',
      clientId: randomUUID(),
    });
    expect(fine.ok).toBe(true);
  });

  it('answers a flood with rate_limited at the door, before any other work, and serves others', async () => {
    const { ann, bob, chatId } = await pair();
    const [flooder, calm] = await Promise.all([
      t.connect(ann.accessToken),
      t.connect(bob.accessToken),
    ]);
    // Invalid payloads: past the burst they must be refused by the limiter, not validated.
    const acks = await Promise.all(
      Array.from({ length: 200 }, () =>
        emit<Message>(flooder, 'message:send', { chatId, content: '', clientId: randomUUID() }),
      ),
    );
    const codes = acks.map((a) => (a.ok ? 'ok' : a.error.code));
    const invalid = codes.filter((c) => c === 'invalid').length;
    // The burst is 60; a token or two may refill while the flood is read.
    expect(invalid).toBeGreaterThanOrEqual(60);
    expect(invalid).toBeLessThan(70);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(200 - invalid);

    const calmAck = await emit<Message>(calm, 'message:send', {
      chatId,
      content: 'hello',
      clientId: randomUUID(),
    });
    expect(calmAck.ok).toBe(true);
  });

  it('keeps a user online while any tab is open', async () => {
    const { ann, bob } = await pair();
    const watcher = await t.connect(ann.accessToken);
    const online = nextEvent(watcher, 'presence');
    const tab1 = await t.connect(bob.accessToken);
    expect(await online).toEqual({ userId: bob.user.id, online: true });

    const tab2 = await t.connect(bob.accessToken);
    const flips = receives(watcher, 'presence', 500);
    tab1.close();
    expect(await flips).toBe(false);

    const offline = nextEvent(watcher, 'presence');
    tab2.close();
    expect(await offline).toEqual({ userId: bob.user.id, online: false });
  });

  it('says nothing to peers when a user reloads within the grace period', async () => {
    const { ann, bob } = await pair();
    const watcher = await t.connect(ann.accessToken);
    const online = nextEvent(watcher, 'presence');
    const before = await t.connect(bob.accessToken);
    await online;

    const flips = receives(watcher, 'presence', 800);
    before.close();
    await t.connect(bob.accessToken);
    expect(await flips).toBe(false);
  });

  it('gives a batched socket presence:batch instead of presence events', async () => {
    const { ann, bob } = await pair();
    const watcher = await t.connect(ann.accessToken, 'batched');
    const batches: PresenceEvent[][] = [];
    watcher.on('presence:batch', ({ changes }: PresenceBatchEvent) => batches.push(changes));
    const single = receives(watcher, 'presence', 1500);
    const bobChanges = () => batches.flat().filter((c) => c.userId === bob.user.id);

    const [tab1, tab2] = await Promise.all([
      t.connect(bob.accessToken),
      t.connect(bob.accessToken),
    ]);
    await waitFor('bob online in a batch', () => bobChanges().length > 0, 3000, 20);
    expect(bobChanges()).toEqual([{ userId: bob.user.id, online: true }]);

    tab1.close();
    tab2.close();
    await waitFor('bob offline in a batch', () => bobChanges().length > 1, 3000, 20);
    expect(bobChanges()).toEqual([
      { userId: bob.user.id, online: true },
      { userId: bob.user.id, online: false },
    ]);
    expect(await single).toBe(false);
    // Each batch names a user at most once.
    for (const changes of batches) {
      expect(new Set(changes.map((c) => c.userId)).size).toBe(changes.length);
    }
  });

  it('refuses a handshake whose presence mode is unknown', async () => {
    const { ann } = await pair();
    const error = await t.handshakeError(ann.accessToken, 'sometimes');
    expect(error.message).toBe('invalid');
  });

  it('trusts only chat rooms for membership: a room that is not a chat is forbidden', async () => {
    const { ann, bob } = await pair();
    const [annTab, bobTab] = await Promise.all([
      t.connect(ann.accessToken, 'batched'),
      t.connect(bob.accessToken, 'batched'),
    ]);
    const leaks = receives(bobTab, 'typing', 500);
    // Rooms ann's socket is in, but none of them a chat.
    for (const room of ['presence:batched', `user:${ann.user.id}`, annTab.id ?? '']) {
      expect(await emit(annTab, 'typing', { chatId: room, isTyping: true })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(await emit(annTab, 'chat:history', { chatId: room })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    expect(await leaks).toBe(false);
  });

  it('sends typing to the other member only', async () => {
    const { ann, bob, chatId } = await pair();
    const eve = await t.register('Eve');
    const [annTab1, annTab2, bobTab, eveTab] = await Promise.all([
      t.connect(ann.accessToken),
      t.connect(ann.accessToken),
      t.connect(bob.accessToken),
      t.connect(eve.accessToken),
    ]);
    const bobSees = nextEvent(bobTab, 'typing');
    const ownTabSees = receives(annTab2, 'typing', 400);
    const outsiderSees = receives(eveTab, 'typing', 400);
    expect(await emit(annTab1, 'typing', { chatId, isTyping: true })).toEqual({
      ok: true,
      data: {},
    });
    expect(await bobSees).toEqual({ chatId, userId: ann.user.id, isTyping: true });
    expect(await ownTabSees).toBe(false);
    expect(await outsiderSees).toBe(false);
  });

  it("tells every member's sockets about a read, including the reader's other tabs", async () => {
    const { ann, bob, chatId } = await pair();
    const [annTab, bobTab1, bobTab2] = await Promise.all([
      t.connect(ann.accessToken),
      t.connect(bob.accessToken),
      t.connect(bob.accessToken),
    ]);
    const sent = await emit<Message>(annTab, 'message:send', {
      chatId,
      content: 'read me',
      clientId: randomUUID(),
    });
    const id = sent.ok ? sent.data.id : '';
    const heard = [annTab, bobTab2].map((s) => nextEvent(s, 'chat:read'));
    expect(await emit(bobTab1, 'chat:read', { chatId, upToId: id })).toEqual({
      ok: true,
      data: {},
    });
    for (const event of await Promise.all(heard)) {
      expect(event).toEqual({ chatId, userId: bob.user.id, upToId: id });
    }
  });

  it('joins both members to a new chat and tells each its own view', async () => {
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    const [annTab, bobTab] = await Promise.all([
      t.connect(ann.accessToken),
      t.connect(bob.accessToken),
    ]);
    const bobHears = nextEvent(bobTab, 'chat:created');
    const ack = await emit<Chat>(annTab, 'chat:create', { peerId: bob.user.id });
    expect(ack).toMatchObject({ ok: true, data: { title: 'Bob' } });
    const chat = await bobHears;
    expect(chat.title).toBe('Ann');

    const arrives = nextEvent(bobTab, 'message:new');
    await emit(annTab, 'message:send', {
      chatId: chat.id,
      content: 'first',
      clientId: randomUUID(),
    });
    expect((await arrives).content).toBe('first');
  });

  it('refuses a handshake without a valid token, and closes sockets at logout', async () => {
    expect((await t.handshakeError('not-a-token')).message).toBe('unauthorized');
    const ann = await t.register('Ann');
    const socket = await t.connect(ann.accessToken);
    const closed = disconnection(socket);
    const response = await fetch(`${t.url}/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ann.accessToken}` },
    });
    expect(response.status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect((await t.handshakeError(ann.accessToken)).message).toBe('unauthorized');
  });
});
