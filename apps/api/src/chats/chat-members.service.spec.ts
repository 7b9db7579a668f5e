import { randomUUID } from 'node:crypto';
import { directChatId, GLOBAL_CHAT_ID, LIMITS, type Chat } from '@chat/shared-types';
import { DataSource } from 'typeorm';
import { TestApp } from '../testing/test-app';
import { ChatsService } from './chats.service';

/** Users straight into the table (and `All`), as many as a test needs, named as it says. */
async function insertUsers(db: DataSource, names: string[]): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `INSERT INTO users (login, full_name, password_hash)
     SELECT 'm_' || substr(md5(random()::text), 1, 12), name, 'x' FROM unnest($1::text[]) name
     RETURNING id`,
    [names],
  );
  const ids = rows.map((row) => row.id);
  await db.query(
    `INSERT INTO chat_members (chat_id, user_id) SELECT 'all', id FROM unnest($1::uuid[]) id`,
    [ids],
  );
  return ids;
}

describe('Chat members at the size of an organization', () => {
  const t = TestApp.forSpec();
  const chats = t.service(ChatsService);
  const db = () => t.get(DataSource);
  const globalOf = (list: Chat[]) => list.find((chat) => chat.id === GLOBAL_CHAT_ID);

  it("lists at most 50 of All's members, the caller's direct-chat peers first, and counts them all", async () => {
    await insertUsers(
      db(),
      Array.from({ length: LIMITS.chatMembersMax + 5 }, (_, i) => `Aaron ${1000 + i}`),
    );
    const ann = await t.register('Ann');
    const [zed, yan] = await Promise.all([t.register('Zed'), t.register('Yan')]);
    await chats.createDirect(ann.user.id, zed.user.id);
    await chats.createDirect(yan.user.id, ann.user.id);
    const counted = await db().query<[{ count: number }]>(
      `SELECT count(*)::int AS count FROM users`,
    );
    const { count } = counted[0];

    const list = await chats.list(ann.user.id);
    const all = globalOf(list);
    expect(all?.members).toHaveLength(LIMITS.chatMembersMax);
    expect(all?.members.slice(0, 2).map((m) => m.fullName)).toEqual(['Yan', 'Zed']);
    expect(all?.members[2]?.fullName).toBe('Aaron 1000');
    expect(all).toMatchObject({ memberCount: count, membersComplete: false });
    const direct = list.find((chat) => chat.id === directChatId(ann.user.id, zed.user.id));
    expect(direct).toMatchObject({ memberCount: 2, membersComplete: true });
    expect(direct?.members.map((m) => m.id).sort()).toEqual([ann.user.id, zed.user.id].sort());
  });

  it('pages members by name then login with an opaque cursor, and searches prefixes', async () => {
    const tag = `Qx${randomUUID().slice(0, 6)}`;
    // Same names on purpose: login breaks the tie, and no one is skipped or repeated.
    const ids = await insertUsers(db(), [`${tag} b`, `${tag} a`, `${tag} a`, `${tag} c`, 'Other']);
    const ann = await t.register('Ann');
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 5; pages++) {
      const page = await chats.members(ann.user.id, GLOBAL_CHAT_ID, {
        search: tag.toLowerCase(),
        limit: 2,
        ...(after === undefined ? {} : { after }),
      });
      seen.push(...page.members.map((m) => m.id));
      if (page.nextCursor === null) break;
      after = page.nextCursor;
    }
    expect(seen).toHaveLength(4);
    expect(new Set(seen)).toEqual(new Set(ids.slice(0, 4)));
    const names = await chats.members(ann.user.id, GLOBAL_CHAT_ID, { search: tag.toUpperCase() });
    expect(names.members.map((m) => m.fullName)).toEqual([
      `${tag} a`,
      `${tag} a`,
      `${tag} b`,
      `${tag} c`,
    ]);
    expect(names.nextCursor).toBeNull();
    // Text inside the name is not a prefix of it; `%` and `_` are text, not wildcards.
    const search = (text: string) => chats.members(ann.user.id, GLOBAL_CHAT_ID, { search: text });
    expect((await search(tag.slice(2))).members).toEqual([]);
    expect((await search(`${tag}%`)).members).toEqual([]);
    expect((await search(`${tag.slice(0, 3)}_`)).members).toEqual([]);
  });

  it('refuses a cursor it did not make, and a non-member', async () => {
    const [ann, bob, eve] = await Promise.all([
      t.register('Ann'),
      t.register('Bob'),
      t.register('Eve'),
    ]);
    const { chat } = await chats.createDirect(ann.user.id, bob.user.id);
    for (const after of ['garbage', Buffer.from('[1,2]').toString('base64url'), 'W10']) {
      await expect(chats.members(ann.user.id, GLOBAL_CHAT_ID, { after })).rejects.toMatchObject({
        code: 'invalid',
      });
    }
    await expect(chats.members(eve.user.id, chat.id, {})).rejects.toMatchObject({
      code: 'forbidden',
    });
    const page = await chats.members(bob.user.id, chat.id, {});
    expect(page.members.map((m) => m.id).sort()).toEqual([ann.user.id, bob.user.id].sort());
  });

  it('counts unread messages exactly up to 999, and stops counting past it', async () => {
    const [ann, bob] = await Promise.all([t.register('Ann'), t.register('Bob')]);
    const { chat } = await chats.createDirect(ann.user.id, bob.user.id);
    const unread = async () =>
      (await chats.list(ann.user.id)).find((c) => c.id === chat.id)?.unreadCount;
    const inserted = await db().query<{ id: string }[]>(
      `INSERT INTO messages (chat_id, sender_id, client_id, content)
       SELECT $1, $2, gen_random_uuid(), 'm' || i FROM generate_series(1, 1005) i
       RETURNING id::text AS id`,
      [chat.id, bob.user.id],
    );
    const ids = inserted.map((row) => row.id);
    ids.sort((a, b) => Number(a) - Number(b));

    expect(await unread()).toBeGreaterThanOrEqual(LIMITS.unreadMax);
    await chats.markRead(ann.user.id, chat.id, ids[5] as string);
    expect(await unread()).toBe(999);
    await chats.markRead(ann.user.id, chat.id, ids[6] as string);
    expect(await unread()).toBe(998);
    await chats.markRead(ann.user.id, chat.id, ids.at(-1) as string);
    expect(await unread()).toBe(0);
  });
});
