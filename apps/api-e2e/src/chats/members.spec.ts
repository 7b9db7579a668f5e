import { GLOBAL_CHAT_ID, LIMITS, type Chat, type MembersPage } from '@chat/shared-types';
import { api, bearer, expectApiError, expectInvalid } from '../support/http';
import { connectSockets, nextEvent } from '../support/sockets';
import {
  findChat,
  listChats,
  openDirectChat,
  registerUser,
  registerUsers,
  uniqueTag,
  type TestUser,
} from '../support/users';

function members(user: TestUser, chatId: string, query: Record<string, string> = {}) {
  return api()
    .get(`/api/chats/${encodeURIComponent(chatId)}/members`)
    .query(query)
    .set(bearer(user.token));
}

async function page(user: TestUser, chatId: string, query: Record<string, string> = {}) {
  const res = await members(user, chatId, query);
  expect(res.status).toBe(200);
  return res.body as MembersPage;
}

describe('GET /api/chats/:id/members', () => {
  it("pages All's members by name, then login, with no one skipped or repeated", async () => {
    const tag = uniqueTag();
    // Two of them share a name: login orders them, and the cursor must not lose either.
    const people = [
      await registerUser({ login: `${tag}_c`, fullName: `${tag} Same` }),
      await registerUser({ login: `${tag}_a`, fullName: `${tag} Same` }),
      await registerUser({ login: `${tag}_b`, fullName: `${tag} Alpha` }),
      await registerUser({ login: `${tag}_d`, fullName: `${tag} Zulu` }),
      await registerUser({ login: `${tag}_e`, fullName: `${tag} Mike` }),
    ];
    const [viewer] = await registerUsers(1);
    const logins: string[] = [];
    let after: string | null = null;
    do {
      const query: Record<string, string> = { search: tag, limit: '2' };
      if (after) query['after'] = after;
      const next = await page(viewer, GLOBAL_CHAT_ID, query);
      expect(next.members.length).toBeLessThanOrEqual(2);
      logins.push(...next.members.map((m) => m.login));
      after = next.nextCursor;
    } while (after !== null && logins.length < 10);

    expect(logins).toEqual([`${tag}_b`, `${tag}_e`, `${tag}_a`, `${tag}_c`, `${tag}_d`]);
    const [first] = (await page(viewer, GLOBAL_CHAT_ID, { search: `${tag}_d` })).members;
    expect(first).toEqual({
      id: people[3]?.id,
      login: `${tag}_d`,
      fullName: `${tag} Zulu`,
      online: false,
      lastReadId: null,
      role: 'member',
    });
  });

  it('searches a prefix of the login or of the full name, in any case', async () => {
    const tag = uniqueTag();
    const word = `Qz${uniqueTag()}`;
    const named = await registerUser({ login: `${tag}_named`, fullName: `${word} Quux` });
    const other = await registerUser({ login: `${tag}_other`, fullName: `Ms ${word}` });
    const [viewer] = await registerUsers(1);
    const ids = async (search: string) =>
      (await page(viewer, GLOBAL_CHAT_ID, { search })).members.map((m) => m.id);

    expect(await ids(word.toUpperCase())).toEqual([named.id]);
    expect(await ids(`${tag}_OTH`)).toEqual([other.id]);
    expect((await ids(tag)).sort()).toEqual([named.id, other.id].sort());
    expect(await ids(`${tag}%`)).toEqual([]);
  });

  it('lists both members of a direct chat, and refuses those who are not in it', async () => {
    const [a, b, outsider] = await registerUsers(3);
    const chat = await openDirectChat(a, b);
    expect((await page(b, chat.id)).members.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    expectApiError(await members(outsider, chat.id), 403, 'forbidden');
    expectApiError(await members(outsider, 'dm:nobody:here'), 403, 'forbidden');
  });

  it.each([
    ['a cursor it never gave', { after: 'not-a-cursor' }, 'after'],
    [
      'a cursor of the wrong shape',
      { after: Buffer.from('{"a":1}').toString('base64url') },
      'after',
    ],
    ['limit 0', { limit: '0' }, 'limit'],
    [`limit ${LIMITS.membersMax + 1}`, { limit: String(LIMITS.membersMax + 1) }, 'limit'],
    ['a search over 64 characters', { search: 'x'.repeat(LIMITS.searchMax + 1) }, 'search'],
  ])('answers 400 naming the field for %s', async (_case, query, field) => {
    const [viewer] = await registerUsers(1);
    expectInvalid(await members(viewer, GLOBAL_CHAT_ID, query), field);
  });
});

describe('GET /api/chats at the size of an organization', () => {
  it('says how many members each chat has, and whether members lists them all', async () => {
    const [a, b] = await registerUsers(2);
    const chat = await openDirectChat(a, b);
    const chats: Chat[] = await listChats(a);
    const all = chats.find((c) => c.id === GLOBAL_CHAT_ID);
    const direct = chats.find((c) => c.id === chat.id);

    expect(direct).toMatchObject({ memberCount: 2, membersComplete: true });
    expect(all?.memberCount).toBeGreaterThanOrEqual(2);
    expect(all?.members.length).toBeLessThanOrEqual(LIMITS.chatMembersMax);
    expect(all?.membersComplete).toBe(all?.members.length === all?.memberCount);
    // The peer comes first in All's short list: it is someone the caller talks to.
    expect(all?.members[0]?.id).toBe(b.id);
  });

  it("lists a large group's members the caller talks to first, then the others by name", async () => {
    const tag = uniqueTag();
    // Named so that name order is number order: 00 (the owner) first, 50 last.
    const people = await Promise.all(
      Array.from({ length: LIMITS.chatMembersMax + 1 }, (_, i) => {
        const n = String(i).padStart(2, '0');
        return registerUser({ login: `${tag}_${n}`, fullName: `${tag} ${n}` });
      }),
    );
    const [owner, talker, quiet] = people;
    const last = people.at(-1);
    if (!owner || !talker || !quiet || !last) throw new Error('no people');
    await openDirectChat(talker, last);
    const [talkerSocket] = await connectSockets([talker]);
    const created = nextEvent(talkerSocket, 'chat:created');

    const res = await api()
      .post('/api/chats')
      .set(bearer(owner.token))
      .send({ title: 'Everyone', memberIds: people.slice(1).map((u) => u.id) });
    expect(res.status).toBe(201);
    const chatId = (res.body as Chat).id;
    const byName = people.slice(0, LIMITS.chatMembersMax).map((u) => u.id);
    // The one talker's peer is listed first (it would not be listed at all by name).
    const talkerView = [last.id, ...byName.slice(0, -1)];

    const listed = (user: typeof owner) => findChat(user, chatId);
    expect(await listed(quiet)).toMatchObject({
      memberCount: people.length,
      membersComplete: false,
    });
    expect((await listed(quiet))?.members.map((m) => m.id)).toEqual(byName);
    expect((await listed(talker))?.members.map((m) => m.id)).toEqual(talkerView);
    expect((await created).members.map((m) => m.id)).toEqual(talkerView);
  });
});
