import type { User } from '@chat/shared-types';
import { api, bearer, expectApiError, expectInvalid } from '../support/http';
import { forgedCopy } from '../support/tokens';
import {
  TestUser,
  openDirectChat,
  postMessage,
  registerUser,
  registerUsers,
  uniqueTag,
} from '../support/users';

async function listUsers(caller: TestUser, query: Record<string, string>): Promise<User[]> {
  const res = await api().get('/api/users').query(query).set(bearer(caller.token));
  expect(res.status).toBe(200);
  expect(Array.isArray(res.body)).toBe(true);
  return res.body as User[];
}

function ids(users: User[]): string[] {
  return users.map((user) => user.id).sort();
}

function idsOf(...users: TestUser[]): string[] {
  return users.map((user) => user.id).sort();
}

describe('GET /api/users/me', () => {
  it('answers 200 with exactly the caller as a User', async () => {
    const me = await registerUser();
    const res = await api().get('/api/users/me').set(bearer(me.token));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: me.id,
      login: me.login,
      fullName: me.fullName,
      online: expect.any(Boolean),
    });
  });

  it('answers 401 without a token and with a bad one', async () => {
    const me = await registerUser();
    expectApiError(await api().get('/api/users/me'), 401, 'unauthorized');
    expectApiError(
      await api().get('/api/users/me').set(bearer('not.a.token')),
      401,
      'unauthorized',
    );
    expectApiError(
      await api()
        .get('/api/users/me')
        .set(bearer(forgedCopy(me.token))),
      401,
      'unauthorized',
    );
  });
});

describe('GET /api/users', () => {
  it('lists everyone but the caller, as Users without secrets', async () => {
    const tag = uniqueTag();
    const [a, b, c] = await registerUsers(3, tag);

    const seen = await listUsers(a, { search: tag });
    expect(ids(seen)).toEqual(idsOf(b, c));
    for (const user of seen) {
      expect(user).toEqual({
        id: expect.any(String),
        login: expect.any(String),
        fullName: expect.any(String),
        online: expect.any(Boolean),
      });
    }
    expect(seen.find((user) => user.id === b.id)).toMatchObject({
      login: b.login,
      fullName: b.fullName,
    });

    // Without a search the caller is still left out.
    const all = await listUsers(a, { limit: '100' });
    expect(all.map((user) => user.id)).not.toContain(a.id);
  });

  it('available=true leaves out, for both sides, users who already share a direct chat', async () => {
    const tag = uniqueTag();
    const [a, b, c] = await registerUsers(3, tag);

    expect(ids(await listUsers(a, { search: tag, available: 'true' }))).toEqual(idsOf(b, c));

    await openDirectChat(a, b);

    expect(ids(await listUsers(a, { search: tag, available: 'true' }))).toEqual(idsOf(c));
    expect(ids(await listUsers(b, { search: tag, available: 'true' }))).toEqual(idsOf(c));
    expect(ids(await listUsers(c, { search: tag, available: 'true' }))).toEqual(idsOf(a, b));
    // Without the filter (or with available=false) the chat partner is still listed.
    expect(ids(await listUsers(a, { search: tag }))).toEqual(idsOf(b, c));
    expect(ids(await listUsers(a, { search: tag, available: 'false' }))).toEqual(idsOf(b, c));

    // A message in the chat does not bring the partner back.
    await postMessage(b, (await openDirectChat(b, a)).id, 'hi');
    expect(ids(await listUsers(a, { search: tag, available: 'true' }))).toEqual(idsOf(c));
  });

  it('search matches a prefix of login or fullName, case-insensitively', async () => {
    const tag = uniqueTag();
    const word = `Zed${uniqueTag()}`;
    // The same rule as the member list (contract "Size"): prefixes, so an index serves it.
    const named = await registerUser({ login: `${tag}_named`, fullName: `${word} Quux` });
    const other = await registerUser({ login: `${tag}_other`, fullName: 'Someone Else' });
    const caller = await registerUser();

    expect(ids(await listUsers(caller, { search: word.toUpperCase() }))).toEqual(idsOf(named));
    expect(ids(await listUsers(caller, { search: word.toLowerCase() }))).toEqual(idsOf(named));
    expect(ids(await listUsers(caller, { search: `${tag}_OTHER` }))).toEqual(idsOf(other));
    expect(ids(await listUsers(caller, { search: tag.toUpperCase() }))).toEqual(
      idsOf(named, other),
    );
    expect(await listUsers(caller, { search: `${uniqueTag()}nobody` })).toEqual([]);
    expect(await listUsers(caller, { search: 'Quux' })).not.toContainEqual(
      expect.objectContaining({ id: named.id }),
    );
  });

  it('limit bounds the number of users', async () => {
    const tag = uniqueTag();
    const [a] = await registerUsers(4, tag);

    expect(await listUsers(a, { search: tag, limit: '1' })).toHaveLength(1);
    expect(await listUsers(a, { search: tag, limit: '2' })).toHaveLength(2);
    expect(await listUsers(a, { search: tag, limit: '100' })).toHaveLength(3);
  });

  it.each(['0', '101', '-1', 'abc', '1.5'])('answers 400 invalid for limit=%s', async (limit) => {
    const me = await registerUser();
    const res = await api().get('/api/users').query({ limit }).set(bearer(me.token));
    expectInvalid(res, 'limit');
  });

  it('answers 401 without a token and with a bad one', async () => {
    expectApiError(await api().get('/api/users'), 401, 'unauthorized');
    expectApiError(await api().get('/api/users').set(bearer('not.a.token')), 401, 'unauthorized');
  });
});
