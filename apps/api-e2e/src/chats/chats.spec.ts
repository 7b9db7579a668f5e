import {
  Chat,
  ChatMember,
  GLOBAL_CHAT_ID,
  GLOBAL_CHAT_TITLE,
  directChatId,
} from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
import type { Response } from 'supertest';
import { api, bearer, expectApiError, expectInvalid } from '../support/http';
import {
  QUIET_MS,
  ackData,
  connectSocket,
  emitAck,
  expectAckError,
  nextEvent,
  recordEvents,
  sleep,
} from '../support/sockets';
import {
  TestUser,
  listChats,
  postMessage,
  registerUser,
  registerUsers,
  unknownUserIdLike,
} from '../support/users';

const CHAT_KEYS = [
  'id',
  'kind',
  'lastMessage',
  'lastReadId',
  'memberCount',
  'members',
  'membersComplete',
  'title',
  'unreadCount',
  'version',
];

function member(user: TestUser): ChatMember {
  return {
    id: user.id,
    login: user.login,
    fullName: user.fullName,
    online: expect.any(Boolean),
    lastReadId: null,
    role: 'member',
  };
}

function byId<T extends { id: string }>(items: T[]): T[] {
  return [...items].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/** The direct chat between `viewer` and `peer` as `viewer` must see it before any message. */
function expectNewDirectChat(chat: Chat, viewer: TestUser, peer: TestUser): void {
  expect({ ...chat, members: byId(chat.members) }).toEqual({
    id: directChatId(viewer.id, peer.id),
    kind: 'direct',
    title: peer.fullName,
    members: byId([member(viewer), member(peer)]),
    memberCount: 2,
    membersComplete: true,
    lastMessage: null,
    unreadCount: 0,
    lastReadId: null,
    version: '0',
  });
}

function createChat(from: TestUser, peerId: string): Promise<Response> {
  return api().post('/api/chats').set(bearer(from.token)).send({ peerId });
}

describe('GET /api/chats', () => {
  it('puts the global chat first: id all, kind global, title All, every user a member', async () => {
    // Its members list is capped (contract "Size"): who is in it is asked of the members route.
    const isMember = async (viewer: TestUser, user: TestUser) => {
      const res = await api()
        .get('/api/chats/all/members')
        .query({ search: user.login })
        .set(bearer(viewer.token));
      return (res.body as { members: ChatMember[] }).members.find((m) => m.id === user.id);
    };
    const [a, b] = await registerUsers(2);
    const chats = await listChats(a);

    const global = itemAt(chats, 0);
    expect(Object.keys(global).sort()).toEqual(CHAT_KEYS);
    expect(global).toMatchObject({
      id: GLOBAL_CHAT_ID,
      kind: 'global',
      title: GLOBAL_CHAT_TITLE,
    });
    expect(typeof global.unreadCount).toBe('number');
    expect(await isMember(a, b)).toEqual(member(b));
    expect(await isMember(b, a)).toEqual(member(a));

    // A user who registers later is a member of the same chat, as seen by everyone.
    const late = await registerUser();
    const again = await listChats(a);
    expect(itemAt(again, 0).id).toBe(GLOBAL_CHAT_ID);
    expect(itemAt(again, 0).memberCount).toBeGreaterThan(global.memberCount);
    expect(await isMember(a, late)).toEqual(member(late));
    expect(itemAt(await listChats(late), 0).id).toBe(GLOBAL_CHAT_ID);
  });

  it('orders the direct chats by latest activity, after the global chat', async () => {
    const [a, b, c] = await registerUsers(3);
    const withB = directChatId(a.id, b.id);
    const withC = directChatId(a.id, c.id);
    expect((await createChat(a, b.id)).status).toBe(201);
    expect((await createChat(a, c.id)).status).toBe(201);

    await postMessage(c, withC, 'first, in the chat with C');
    await postMessage(b, withB, 'then, in the chat with B');
    expect((await listChats(a)).map((chat) => chat.id)).toEqual([GLOBAL_CHAT_ID, withB, withC]);

    await postMessage(a, withC, 'now the chat with C is the latest');
    expect((await listChats(a)).map((chat) => chat.id)).toEqual([GLOBAL_CHAT_ID, withC, withB]);
    expect((await listChats(c)).map((chat) => chat.id)).toEqual([GLOBAL_CHAT_ID, withC]);
  });

  it('answers 401 without a token', async () => {
    expectApiError(await api().get('/api/chats'), 401, 'unauthorized');
  });
});

describe('POST /api/chats', () => {
  it('answers 201 with the new direct chat, then 200 with the same chat for either side', async () => {
    const [a, b] = await registerUsers(2);

    const created = await createChat(a, b.id);
    expect(created.status).toBe(201);
    expectNewDirectChat(created.body as Chat, a, b);

    const fromPeer = await createChat(b, a.id);
    expect(fromPeer.status).toBe(200);
    expectNewDirectChat(fromPeer.body as Chat, b, a);

    const again = await createChat(a, b.id);
    expect(again.status).toBe(200);
    expectNewDirectChat(again.body as Chat, a, b);

    // Both sides list it, titled for themselves.
    expect((await listChats(a)).find((chat) => chat.id === directChatId(a.id, b.id))?.title).toBe(
      b.fullName,
    );
    expect((await listChats(b)).find((chat) => chat.id === directChatId(a.id, b.id))?.title).toBe(
      a.fullName,
    );
  });

  it('answers 404 not_found for an unknown peer', async () => {
    const a = await registerUser();
    expectApiError(await createChat(a, unknownUserIdLike(a.id)), 404, 'not_found');
  });

  it('answers 400 invalid for a chat with yourself', async () => {
    const a = await registerUser();
    expectApiError(await createChat(a, a.id), 400, 'invalid');
    expect((await listChats(a)).map((chat) => chat.id)).toEqual([GLOBAL_CHAT_ID]);
  });

  it.each([
    ['a missing peerId', 'peerId', () => ({})],
    ['a numeric peerId', 'peerId', () => ({ peerId: 42 })],
    ['an empty peerId', 'peerId', () => ({ peerId: '' })],
    ['an unknown extra field', 'title', (peerId: string) => ({ peerId, title: 'mine' })],
  ])('answers 400 invalid for %s', async (_case, field, makeBody) => {
    const [a, b] = await registerUsers(2);
    const res = await api().post('/api/chats').set(bearer(a.token)).send(makeBody(b.id));
    expectInvalid(res, field);
  });

  it('answers 400 invalid for a malformed JSON body', async () => {
    const a = await registerUser();
    const res = await api()
      .post('/api/chats')
      .set(bearer(a.token))
      .set('Content-Type', 'application/json')
      .send('{"peerId": ');
    expectApiError(res, 400, 'invalid');
  });

  it('tells both members’ sockets with chat:created, titled for each, and joins them to the room', async () => {
    const [a, b] = await registerUsers(2);
    const aSocket = await connectSocket(a.token);
    const bSocket = await connectSocket(b.token);
    const aCreated = nextEvent(aSocket, 'chat:created');
    const bCreated = nextEvent(bSocket, 'chat:created');

    const res = await createChat(a, b.id);
    expect(res.status).toBe(201);
    // A message sent right after the answer reaches both sockets, already in the room.
    const arrivals = [aSocket, bSocket].map((socket) => nextEvent(socket, 'message:new'));
    const sent = await postMessage(a, directChatId(a.id, b.id), 'right after creation');

    expectNewDirectChat(await aCreated, a, b);
    expectNewDirectChat(await bCreated, b, a);
    expect(await Promise.all(arrivals)).toEqual([sent, sent]);
  });
});

describe('creating the same direct chat from both sides at once', () => {
  it('over REST yields one chat: exactly one 201, the rest 200, all the same id', async () => {
    const [a, b] = await registerUsers(2);
    const aSocket = await connectSocket(a.token);
    const bSocket = await connectSocket(b.token);
    const aCreated = recordEvents(aSocket, 'chat:created');
    const bCreated = recordEvents(bSocket, 'chat:created');

    const answers = await Promise.all([
      createChat(a, b.id),
      createChat(b, a.id),
      createChat(a, b.id),
      createChat(b, a.id),
      createChat(a, b.id),
      createChat(b, a.id),
    ]);

    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201]);
    const id = directChatId(a.id, b.id);
    expect(answers.map((res) => (res.body as Chat).id)).toEqual(Array(6).fill(id));

    await sleep(QUIET_MS);
    expect(aCreated.events.map((chat) => [chat.id, chat.title])).toEqual([[id, b.fullName]]);
    expect(bCreated.events.map((chat) => [chat.id, chat.title])).toEqual([[id, a.fullName]]);
    expect((await listChats(a)).filter((chat) => chat.id === id)).toHaveLength(1);
  });

  it('over REST and socket chat:create together yields one chat, created once', async () => {
    const [a, b] = await registerUsers(2);
    const aSocket = await connectSocket(a.token);
    const bSocket = await connectSocket(b.token);
    const aCreated = recordEvents(aSocket, 'chat:created');
    const bCreated = recordEvents(bSocket, 'chat:created');

    const [aRest, bRest, aAck, bAck] = await Promise.all([
      createChat(a, b.id),
      createChat(b, a.id),
      emitAck(aSocket, 'chat:create', { peerId: b.id }),
      emitAck(bSocket, 'chat:create', { peerId: a.id }),
    ]);

    const id = directChatId(a.id, b.id);
    const restStatuses = [aRest.status, bRest.status];
    expect(restStatuses.every((status) => status === 200 || status === 201)).toBe(true);
    expect(restStatuses.filter((status) => status === 201).length).toBeLessThanOrEqual(1);
    expect((aRest.body as Chat).id).toBe(id);
    expect((bRest.body as Chat).id).toBe(id);
    expectNewDirectChat(ackData(aAck), a, b);
    expectNewDirectChat(ackData(bAck), b, a);

    await sleep(QUIET_MS);
    expect(aCreated.events.map((chat) => [chat.id, chat.title])).toEqual([[id, b.fullName]]);
    expect(bCreated.events.map((chat) => [chat.id, chat.title])).toEqual([[id, a.fullName]]);
    expect((await listChats(b)).filter((chat) => chat.id === id)).toHaveLength(1);
  });
});

describe('socket chat:create', () => {
  it('acks the Chat titled for the caller and tells every socket of both members', async () => {
    const [a, b] = await registerUsers(2);
    const aTab1 = await connectSocket(a.token);
    const aTab2 = await connectSocket(a.token);
    const bSocket = await connectSocket(b.token);
    const onOtherTab = nextEvent(aTab2, 'chat:created');
    const onPeer = nextEvent(bSocket, 'chat:created');

    const chat = ackData(await emitAck(aTab1, 'chat:create', { peerId: b.id }));
    expectNewDirectChat(chat, a, b);
    expectNewDirectChat(await onOtherTab, a, b);
    expectNewDirectChat(await onPeer, b, a);

    // The peer can write at once, and the creator's tabs receive it.
    const arrives = nextEvent(aTab2, 'message:new');
    const sent = await postMessage(b, chat.id, 'hello back');
    expect(await arrives).toEqual(sent);

    // Asking again returns the same chat, titled for the one asking.
    expect(ackData(await emitAck(bSocket, 'chat:create', { peerId: a.id }))).toMatchObject({
      id: chat.id,
      title: a.fullName,
      lastMessage: sent,
    });
  });

  it('acks not_found for an unknown peer and invalid for yourself', async () => {
    const a = await registerUser();
    const socket = await connectSocket(a.token);
    expectAckError(
      await emitAck(socket, 'chat:create', { peerId: unknownUserIdLike(a.id) }),
      'not_found',
    );
    expectAckError(await emitAck(socket, 'chat:create', { peerId: a.id }), 'invalid');
  });
});
