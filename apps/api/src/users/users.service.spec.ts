import { randomUUID } from 'node:crypto';
import { AuthService } from '../auth/auth.service';
import { ChatsService } from '../chats/chats.service';
import { TestApp } from '../testing/test-app';
import { UsersService } from './users.service';

describe('UsersService', () => {
  const t = TestApp.forSpec();
  const users = t.service(UsersService);

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
    const tag = randomUUID().slice(0, 8);
    const make = (login: string, fullName: string, from: string) =>
      t.get(AuthService).register({ login, fullName, password: 'password123' }, from);
    // Each is found by one field only: the other does not contain the search.
    const byName = await make(`n${tag}`, `Zed${tag}ekiah`, '10.9.0.1');
    const byLogin = await make(`l${tag}_zz`, 'Someone Else', '10.9.0.2');
    const search = async (text: string) =>
      (await users.list(ann.user.id, { search: text })).map((u) => u.id);

    expect(await search(`ZED${tag.toUpperCase()}EK`)).toEqual([byName.user.id]);
    expect(await search(`L${tag.toUpperCase()}_ZZ`)).toEqual([byLogin.user.id]);
    // As LIKE wildcards, `_<tag>` would match n<tag> and `%` everyone.
    expect(await search(`_${tag}`)).toEqual([]);
    expect(await search('%')).toEqual([]);
  });

  it('honours the limit', async () => {
    const ann = await t.register('Ann');
    await Promise.all([t.register('A1'), t.register('A2'), t.register('A3')]);
    expect(await users.list(ann.user.id, { limit: 2 })).toHaveLength(2);
  });
});
