import { ChatsService } from '../chats/chats.service';
import { TestApp } from '../testing/test-app';
import { UsersService } from './users.service';

describe('UsersService', () => {
  let t: TestApp;
  let users: UsersService;

  beforeAll(async () => {
    t = await TestApp.start();
    users = t.get(UsersService);
  });
  afterAll(() => t.stop());

  it('lists everyone but the caller; available drops people already in a direct chat', async () => {
    const [ann, bob, cid] = await Promise.all([
      t.register('Ann'),
      t.register('Bob'),
      t.register('Cid'),
    ]);
    await t.get(ChatsService).createDirect(bob.user.id, ann.user.id);

    const everyone = (await users.list(ann.user.id, {})).map((u) => u.id);
    expect(everyone).toEqual(expect.arrayContaining([bob.user.id, cid.user.id]));
    expect(everyone).not.toContain(ann.user.id);

    const available = (await users.list(ann.user.id, { available: true })).map((u) => u.id);
    expect(available).toContain(cid.user.id);
    expect(available).not.toContain(bob.user.id);
    const forBob = (await users.list(bob.user.id, { available: true })).map((u) => u.id);
    expect(forBob).not.toContain(ann.user.id);
  });

  it('searches login and full name case-insensitively, treating % and _ literally', async () => {
    const ann = await t.register('Ann');
    const zed = await t.register('Zedekiah');
    const found = await users.list(ann.user.id, { search: 'ZEDEK' });
    expect(found.map((u) => u.id)).toEqual([zed.user.id]);
    expect(await users.list(ann.user.id, { search: '%' })).toEqual([]);
    expect(await users.list(ann.user.id, { search: zed.user.login.toUpperCase() })).toHaveLength(1);
  });

  it('honours the limit', async () => {
    const ann = await t.register('Ann');
    await Promise.all([t.register('A1'), t.register('A2'), t.register('A3')]);
    expect(await users.list(ann.user.id, { limit: 2 })).toHaveLength(2);
  });
});
