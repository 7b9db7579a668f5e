import { GLOBAL_CHAT_ID, type Chat, type Message } from '@chat/shared-types';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { getHistory, historyPage } from '../support/expectations';
import { api, bearer, expectApiError, expectInvalid } from '../support/http';
import {
  QUIET_MS,
  ackData,
  connectSockets,
  emitAck,
  expectAckError,
  nextEvent,
  recordEvents,
  sleep,
} from '../support/sockets';
import {
  findChat,
  openDirectChat,
  postMessage,
  registerUsers,
  unknownUserIdLike,
  type TestUser,
} from '../support/users';

const chatPath = (chatId: string) => `/api/chats/${encodeURIComponent(chatId)}`;
const memberPath = (chatId: string, userId: string) => `${chatPath(chatId)}/members/${userId}`;

const createGroup = (owner: TestUser, body: object) =>
  api().post('/api/chats').set(bearer(owner.token)).send(body);
const rename = (user: TestUser, chatId: string, title: unknown) =>
  api().patch(chatPath(chatId)).set(bearer(user.token)).send({ title });
const add = (user: TestUser, chatId: string, userIds: unknown) =>
  api()
    .post(`${chatPath(chatId)}/members`)
    .set(bearer(user.token))
    .send({ userIds });
const setRole = (user: TestUser, chatId: string, userId: string, role: unknown) =>
  api().patch(memberPath(chatId, userId)).set(bearer(user.token)).send({ role });
const removeMember = (user: TestUser, chatId: string, userId: string) =>
  api().delete(memberPath(chatId, userId)).set(bearer(user.token));

function chatOf(res: Response, status = 200): Chat {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status });
  return res.body as Chat;
}

async function group(owner: TestUser, others: TestUser[], title = 'Project') {
  return chatOf(await createGroup(owner, { title, memberIds: others.map((u) => u.id) }), 201);
}

const roles = (chat: Chat) =>
  Object.fromEntries(chat.members.map((m) => [m.id, m.role])) as Record<string, string>;

async function systemTypes(user: TestUser, chatId: string): Promise<string[]> {
  const page = await historyPage(user, chatId, { limit: '100' });
  return page.messages.flatMap((m) => (m.system ? [m.system.type] : []));
}

describe('POST /api/chats { title, memberIds }', () => {
  it('creates a group owned by its creator, tells every member at once, with a created note', async () => {
    const [owner, bob, carol] = await registerUsers(3);
    const [bobSocket, ownerSocket] = await connectSockets([bob, owner]);
    const bobHeard = nextEvent(bobSocket, 'chat:created');
    const ownerHeard = nextEvent(ownerSocket, 'chat:created');

    const chat = await group(owner, [bob, carol, bob], '  Project  ');
    expect(chat).toMatchObject({ kind: 'group', title: 'Project', memberCount: 3, unreadCount: 0 });
    expect(chat.id).toMatch(/^g:/);
    expect(roles(chat)).toEqual({ [owner.id]: 'owner', [bob.id]: 'member', [carol.id]: 'member' });
    expect(chat.lastMessage?.system).toEqual({
      type: 'created',
      actorId: owner.id,
      userIds: [bob.id, carol.id],
      title: 'Project',
    });
    expect(chat.lastMessage?.content).toContain('created the group');
    expect((await bobHeard).id).toBe(chat.id);
    expect((await ownerHeard).id).toBe(chat.id);
    expect(await findChat(carol, chat.id)).toMatchObject({ title: 'Project', unreadCount: 0 });

    // Bob's socket is in the room already: the next message reaches it.
    const live = nextEvent(bobSocket, 'message:new');
    const sent = await postMessage(carol, chat.id, 'hello group');
    expect((await live).id).toBe(sent.id);
  });

  it('chat:create takes the group payload too', async () => {
    const [owner, bob] = await registerUsers(2);
    const [socket] = await connectSockets([owner]);
    const chat = ackData(
      await emitAck(socket, 'chat:create', { title: 'Socket group', memberIds: [bob.id] }),
    );
    expect(chat).toMatchObject({ kind: 'group', title: 'Socket group', memberCount: 2 });
    expectAckError(
      await emitAck(socket, 'chat:create', { title: '', memberIds: [bob.id] }),
      'invalid',
    );
  });

  it('refuses bad input with 400 naming the field, an unknown user with 404, and creates nothing', async () => {
    const [owner, bob] = await registerUsers(2);
    expectInvalid(await createGroup(owner, { title: '   ', memberIds: [bob.id] }), 'title');
    expectInvalid(
      await createGroup(owner, { title: 'x'.repeat(65), memberIds: [bob.id] }),
      'title',
    );
    expectInvalid(await createGroup(owner, { title: 'T', memberIds: [] }), 'memberIds');
    expectInvalid(await createGroup(owner, { title: 'T', memberIds: ['nope'] }), 'memberIds');
    expectInvalid(await createGroup(owner, { title: 'T' }), 'memberIds');
    expectInvalid(await createGroup(owner, { title: 'T', memberIds: [owner.id] }), 'memberIds');
    expectInvalid(
      await createGroup(owner, { peerId: bob.id, title: 'T', memberIds: [bob.id] }),
      'peerId',
    );
    expectApiError(
      await createGroup(owner, { title: 'T', memberIds: [bob.id, unknownUserIdLike(bob.id)] }),
      404,
      'not_found',
    );
    const chats = (await api().get('/api/chats').set(bearer(owner.token))).body as Chat[];
    expect(chats.filter((c) => c.kind === 'group')).toEqual([]);
  });
});

describe('renaming, adding and roles', () => {
  it('renames (owner, admin), adds with history but no unread, and sets roles (owner only)', async () => {
    const [owner, admin, member, late, outsider] = await registerUsers(5);
    const chat = await group(owner, [admin, member]);
    const said = await postMessage(member, chat.id, 'before late joined');
    expect(roles(chatOf(await setRole(owner, chat.id, admin.id, 'admin')))[admin.id]).toBe('admin');

    const [memberSocket, lateSocket] = await connectSockets([member, late]);
    const updated = nextEvent(
      memberSocket,
      'chat:updated',
      undefined,
      (c) => c.title === 'Renamed',
    );
    expect(chatOf(await rename(admin, chat.id, ' Renamed ')).title).toBe('Renamed');
    expect((await updated).id).toBe(chat.id);

    const lateHeard = nextEvent(lateSocket, 'chat:created');
    const afterAdd = chatOf(await add(admin, chat.id, [late.id, member.id, late.id]));
    expect(afterAdd.memberCount).toBe(4);
    const lateChat = await lateHeard;
    expect(lateChat).toMatchObject({ id: chat.id, title: 'Renamed', unreadCount: 0 });
    expect(lateChat.lastReadId).not.toBeNull();
    expect((await historyPage(late, chat.id)).messages.map((m) => m.id)).toContain(said.id);
    expect(await findChat(late, chat.id)).toMatchObject({ unreadCount: 0 });
    // Adding someone already in changes nothing.
    expect(chatOf(await add(owner, chat.id, [late.id])).memberCount).toBe(4);

    expectApiError(await rename(member, chat.id, 'No'), 403, 'forbidden');
    expectApiError(await add(member, chat.id, [outsider.id]), 403, 'forbidden');
    expectApiError(await setRole(admin, chat.id, member.id, 'admin'), 403, 'forbidden');
    expectApiError(await setRole(owner, chat.id, owner.id, 'member'), 403, 'forbidden');
    expectApiError(await rename(outsider, chat.id, 'Mine'), 403, 'forbidden');
    expectApiError(await add(outsider, chat.id, [outsider.id]), 403, 'forbidden');
    expectApiError(await add(owner, chat.id, [unknownUserIdLike(owner.id)]), 404, 'not_found');
    expectApiError(await setRole(owner, chat.id, outsider.id, 'admin'), 404, 'not_found');
    expectInvalid(await rename(owner, chat.id, ''), 'title');
    expectInvalid(await add(owner, chat.id, []), 'userIds');
    expectInvalid(await setRole(owner, chat.id, member.id, 'owner'), 'role');

    expect(await systemTypes(owner, chat.id)).toEqual(['created', 'role', 'renamed', 'added']);
    expect((await findChat(owner, chat.id))?.title).toBe('Renamed');
  });

  it('forbids renaming or changing members of a direct chat and of All', async () => {
    const [a, b] = await registerUsers(2);
    const direct = await openDirectChat(a, b);
    for (const chatId of [direct.id, GLOBAL_CHAT_ID]) {
      expectApiError(await rename(a, chatId, 'Mine'), 403, 'forbidden');
      expectApiError(await add(a, chatId, [b.id]), 403, 'forbidden');
      expectApiError(await setRole(a, chatId, b.id, 'admin'), 403, 'forbidden');
      expectApiError(await removeMember(a, chatId, b.id), 403, 'forbidden');
      expectApiError(await removeMember(a, chatId, a.id), 403, 'forbidden');
    }
  });
});

describe('DELETE /api/chats/:id/members/:userId', () => {
  it('removes a member at once: chat:removed, then forbidden everywhere and no further event', async () => {
    const [owner, admin, member, other] = await registerUsers(4);
    const chat = await group(owner, [admin, member, other]);
    chatOf(await setRole(owner, chat.id, admin.id, 'admin'));
    const [memberSocket, memberTab] = await connectSockets([member, member]);
    const heard = recordEvents(memberSocket, 'message:new');
    const removed = nextEvent(memberTab, 'chat:removed');

    expectApiError(await removeMember(admin, chat.id, owner.id), 403, 'forbidden');
    expectApiError(await removeMember(member, chat.id, other.id), 403, 'forbidden');
    expectApiError(await removeMember(owner, chat.id, randomUUID()), 404, 'not_found');
    const res = await removeMember(admin, chat.id, member.id);
    expect(res.status).toBe(204);
    expect(await removed).toEqual({ chatId: chat.id });

    const after = await postMessage(other, chat.id, 'after the removal');
    expectApiError(await getHistory(member, chat.id), 403, 'forbidden');
    expectAckError(await emitAck(memberSocket, 'chat:history', { chatId: chat.id }), 'forbidden');
    expectAckError(
      await emitAck(memberSocket, 'message:send', {
        chatId: chat.id,
        clientId: randomUUID(),
        content: 'still here?',
      }),
      'forbidden',
    );
    await sleep(QUIET_MS);
    expect(heard.events.map((m) => m.id)).not.toContain(after.id);
    expect(heard.events.map((m) => m.chatId)).not.toContain(chat.id);
    expect(await findChat(member, chat.id)).toBeUndefined();
    const last = (await historyPage(owner, chat.id)).messages.at(-2) as Message;
    expect(last.system).toEqual({
      type: 'removed',
      actorId: admin.id,
      userIds: [member.id],
      title: null,
    });
    expect(last.content).toMatch(/removed/);
  });

  it('hands ownership on (earliest admin, else earliest member) and deletes the group with the last member', async () => {
    const [owner, first, second, admin] = await registerUsers(4);
    const chat = await group(owner, [first, second]);
    chatOf(await add(owner, chat.id, [admin.id]));
    chatOf(await setRole(owner, chat.id, admin.id, 'admin'));
    expect((await removeMember(owner, chat.id, owner.id)).status).toBe(204);
    expect(roles((await findChat(admin, chat.id)) as Chat)[admin.id]).toBe('owner');
    expect((await removeMember(admin, chat.id, admin.id)).status).toBe(204);
    expect(roles((await findChat(first, chat.id)) as Chat)[first.id]).toBe('owner');
    expect(await systemTypes(first, chat.id)).toEqual(['created', 'added', 'role', 'left', 'left']);

    expect((await removeMember(second, chat.id, second.id)).status).toBe(204);
    expect((await removeMember(first, chat.id, first.id)).status).toBe(204);
    for (const user of [owner, first, second, admin]) {
      expectApiError(await getHistory(user, chat.id), 403, 'forbidden');
    }
    expectApiError(await add(first, chat.id, [second.id]), 403, 'forbidden');
  });
});

describe('messages in a group', () => {
  it('system notes are never unread and cannot change; owner and admins delete others’ messages', async () => {
    const [owner, admin, member] = await registerUsers(3);
    const chat = await group(owner, [admin, member]);
    chatOf(await setRole(owner, chat.id, admin.id, 'admin'));
    const note = (await historyPage(owner, chat.id)).messages[0] as Message;
    expect(note.system?.type).toBe('created');
    expect(await findChat(member, chat.id)).toMatchObject({ unreadCount: 0 });

    const base = `${chatPath(chat.id)}/messages/${note.id}`;
    expectApiError(
      await api().patch(base).set(bearer(owner.token)).send({ content: 'x' }),
      403,
      'forbidden',
    );
    expectApiError(await api().delete(base).set(bearer(admin.token)), 403, 'forbidden');
    expectApiError(
      await api()
        .put(`${base}/reactions/${encodeURIComponent('👍')}`)
        .set(bearer(member.token)),
      403,
      'forbidden',
    );

    const mine = await postMessage(member, chat.id, 'delete me');
    const theirs = await postMessage(owner, chat.id, 'not yours');
    expectApiError(
      await api()
        .delete(`${chatPath(chat.id)}/messages/${theirs.id}`)
        .set(bearer(member.token)),
      403,
      'forbidden',
    );
    const tomb = await api()
      .delete(`${chatPath(chat.id)}/messages/${mine.id}`)
      .set(bearer(admin.token));
    expect({ status: tomb.status, deleted: (tomb.body as Message).deleted }).toEqual({
      status: 200,
      deleted: true,
    });
    // Deleting twice answers the tombstone unchanged, for a moderator too.
    const again = await api()
      .delete(`${chatPath(chat.id)}/messages/${mine.id}`)
      .set(bearer(admin.token));
    expect({ status: again.status, body: again.body as unknown }).toEqual({
      status: 200,
      body: tomb.body as unknown,
    });
  });
});

describe('concurrent changes of one group', () => {
  it('two admins adding and removing the same person end in one consistent state', async () => {
    const [owner, a1, a2, target] = await registerUsers(4);
    const chat = await group(owner, [a1, a2, target]);
    chatOf(await setRole(owner, chat.id, a1.id, 'admin'));
    chatOf(await setRole(owner, chat.id, a2.id, 'admin'));
    for (let round = 0; round < 3; round++) {
      const [removed, added] = await Promise.all([
        removeMember(a1, chat.id, target.id),
        add(a2, chat.id, [target.id]),
      ]);
      expect([204, 404]).toContain(removed.status);
      expect(added.status).toBe(200);
      const member = (await findChat(target, chat.id)) !== undefined;
      const notes = (await historyPage(owner, chat.id, { limit: '100' })).messages.filter(
        (m) => m.system && m.system.userIds.includes(target.id),
      );
      const last = notes.at(-1)?.system?.type;
      // The last note about the target says what is true now.
      expect(member).toBe(last === 'added' || last === 'created');
      if (!member) chatOf(await add(owner, chat.id, [target.id]));
    }
  });

  it('the owner leaving while an admin is removed leaves exactly one owner', async () => {
    const [owner, admin, member] = await registerUsers(3);
    const chat = await group(owner, [admin, member]);
    chatOf(await setRole(owner, chat.id, admin.id, 'admin'));
    const [left, removed] = await Promise.all([
      removeMember(owner, chat.id, owner.id),
      removeMember(owner, chat.id, admin.id),
    ]);
    expect(left.status).toBe(204);
    expect([204, 403]).toContain(removed.status);
    const view = (await findChat(member, chat.id)) as Chat;
    const owners = view.members.filter((m) => m.role === 'owner');
    expect(owners).toHaveLength(1);
    expect(view.members.map((m) => m.id)).not.toContain(owner.id);
    expect(view.memberCount).toBe(view.members.length);
  });

  it('the last two members leaving together delete the group', async () => {
    const [a, b] = await registerUsers(2);
    const chat = await group(a, [b]);
    const answers = await Promise.all([
      removeMember(a, chat.id, a.id),
      removeMember(b, chat.id, b.id),
    ]);
    expect(answers.map((r) => r.status)).toEqual([204, 204]);
    expect(await findChat(a, chat.id)).toBeUndefined();
    expect(await findChat(b, chat.id)).toBeUndefined();
    expectApiError(await getHistory(a, chat.id), 403, 'forbidden');
  });
});
