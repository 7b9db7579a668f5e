import type { AuthResult, User } from '@chat/shared-types';
import { randomBytes } from 'node:crypto';
import { E2E_LIMITS } from '../support/e2e-state';
import { api, bearer, expectApiError, expectInvalid } from '../support/http';
import { sleep } from '../support/sockets';
import { registerUser, uniqueLogin, uniqueTag } from '../support/users';

function validBody(): { login: string; fullName: string; password: string } {
  return { login: uniqueLogin(), fullName: 'Ada Lovelace', password: 'correct horse' };
}

/** Every key anywhere in a JSON value. */
function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...allKeys(inner)]);
  }
  return [];
}

function expectNoSecrets(body: unknown, password: string): void {
  const text = JSON.stringify(body);
  expect(text).not.toContain(password);
  expect(text).not.toMatch(/\$2[aby]\$\d\d\$/);
  expect(allKeys(body).filter((key) => /pass|hash|salt/i.test(key))).toEqual([]);
}

function expectAuthResult(body: unknown, user: Omit<User, 'id' | 'online'>): AuthResult {
  expect(body).toEqual({
    accessToken: expect.any(String),
    user: {
      id: expect.any(String),
      login: user.login,
      fullName: user.fullName,
      online: expect.any(Boolean),
    },
  });
  const result = body as AuthResult;
  expect(result.accessToken.length).toBeGreaterThan(0);
  expect(result.user.id.length).toBeGreaterThan(0);
  return result;
}

describe('POST /api/auth/register', () => {
  it('answers 201 with an AuthResult whose token works, and never echoes the password', async () => {
    const body = validBody();
    const res = await api().post('/api/auth/register').send(body);

    expect(res.status).toBe(201);
    const result = expectAuthResult(res.body, body);
    expectNoSecrets(res.body, body.password);

    const me = await api().get('/api/users/me').set(bearer(result.accessToken));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ ...result.user, online: expect.any(Boolean) });
  });

  it('stores the login in lower case', async () => {
    const login = uniqueLogin('MiXeD');
    const res = await api()
      .post('/api/auth/register')
      .send({ ...validBody(), login: login.toUpperCase() });

    expect(res.status).toBe(201);
    const result = res.body as AuthResult;
    expect(result.user.login).toBe(login.toLowerCase());
    // Stored so: the user as read back from the database.
    const me = await api().get('/api/users/me').set(bearer(result.accessToken));
    expect((me.body as User).login).toBe(login.toLowerCase());
  });

  it('accepts the boundaries: 3- and 32-char logins, 8- and 128-char passwords, 64-char names', async () => {
    const shortLogin = `x${randomBytes(1).toString('hex')}`;
    const short = await api()
      .post('/api/auth/register')
      .send({ login: shortLogin, fullName: 'A', password: '12345678' });
    expect(short.status).toBe(201);
    expectAuthResult(short.body, { login: shortLogin, fullName: 'A' });

    const longLogin = `${uniqueTag()}_a.b-c`.padEnd(32, 'z');
    const fullName = 'N'.repeat(64);
    const long = await api()
      .post('/api/auth/register')
      .send({ login: longLogin, fullName: `  ${fullName}  `, password: 'p'.repeat(128) });
    expect(long.status).toBe(201);
    // fullName is measured, and stored, after trimming.
    expectAuthResult(long.body, { login: longLogin, fullName });
  });

  describe('answers 400 invalid naming the field', () => {
    const cases: [string, string, (body: Record<string, unknown>) => Record<string, unknown>][] = [
      ['login shorter than 3', 'login', (b) => ({ ...b, login: 'ab' })],
      ['login longer than 32', 'login', (b) => ({ ...b, login: 'a'.repeat(33) })],
      ['login with a space', 'login', (b) => ({ ...b, login: `${String(b['login'])} x` })],
      ['login with a forbidden character', 'login', (b) => ({ ...b, login: 'bad$login' })],
      ['login that is a number', 'login', (b) => ({ ...b, login: 12345 })],
      ['login that is null', 'login', (b) => ({ ...b, login: null })],
      ['missing login', 'login', ({ fullName, password }) => ({ fullName, password })],
      ['empty fullName', 'fullName', (b) => ({ ...b, fullName: '' })],
      ['whitespace-only fullName', 'fullName', (b) => ({ ...b, fullName: '   ' })],
      ['fullName longer than 64', 'fullName', (b) => ({ ...b, fullName: 'n'.repeat(65) })],
      ['fullName that is a number', 'fullName', (b) => ({ ...b, fullName: 42 })],
      ['fullName that is an array', 'fullName', (b) => ({ ...b, fullName: ['Ada'] })],
      ['missing fullName', 'fullName', ({ login, password }) => ({ login, password })],
      ['password shorter than 8', 'password', (b) => ({ ...b, password: '1234567' })],
      ['password longer than 128', 'password', (b) => ({ ...b, password: 'p'.repeat(129) })],
      ['password that is a number', 'password', (b) => ({ ...b, password: 12345678 })],
      ['missing password', 'password', ({ login, fullName }) => ({ login, fullName })],
      ['an unknown extra field', 'isAdmin', (b) => ({ ...b, isAdmin: true })],
    ];

    it.each(cases)('%s', async (_case, field, mutate) => {
      const body = mutate(validBody());
      const res = await api().post('/api/auth/register').send(body);
      expectInvalid(res, field);
    });

    it('a malformed JSON body', async () => {
      const res = await api()
        .post('/api/auth/register')
        .set('Content-Type', 'application/json')
        .send('{"login": "abc", "fullName": ');
      expectApiError(res, 400, 'invalid');
    });

    it('a body that is not an object', async () => {
      const res = await api()
        .post('/api/auth/register')
        .set('Content-Type', 'application/json')
        .send('["abc", "Ada", "password1"]');
      expectApiError(res, 400, 'invalid');
    });
  });

  it('answers 409 conflict for a taken login, also when it differs only in case', async () => {
    const first = validBody();
    expect((await api().post('/api/auth/register').send(first)).status).toBe(201);

    const same = await api()
      .post('/api/auth/register')
      .send({ ...validBody(), login: first.login });
    expectApiError(same, 409, 'conflict');

    const upper = await api()
      .post('/api/auth/register')
      .send({ ...validBody(), login: first.login.toUpperCase() });
    expectApiError(upper, 409, 'conflict');
  });
});

describe('POST /api/auth/login', () => {
  it('answers 200 with an AuthResult for the right password', async () => {
    const user = await registerUser();
    const res = await api()
      .post('/api/auth/login')
      .send({ login: user.login, password: user.password });

    expect(res.status).toBe(200);
    const result = expectAuthResult(res.body, user);
    expect(result.user.id).toBe(user.id);
    expectNoSecrets(res.body, user.password);

    const me = await api().get('/api/users/me').set(bearer(result.accessToken));
    expect(me.status).toBe(200);
    expect((me.body as User).id).toBe(user.id);
  });

  it('answers 401 with the same message for an unknown login and a wrong password', async () => {
    const user = await registerUser();
    const wrongPassword = await api()
      .post('/api/auth/login')
      .send({ login: user.login, password: 'not-the-password' });
    const unknownLogin = await api()
      .post('/api/auth/login')
      .send({ login: uniqueLogin('ghost'), password: 'not-the-password' });

    const a = expectApiError(wrongPassword, 401, 'unauthorized');
    const b = expectApiError(unknownLogin, 401, 'unauthorized');
    expect(a.message).toBe(b.message);
  });

  it.each([
    ['missing password', 'password', (login: string) => ({ login })],
    ['missing login', 'login', () => ({ password: 'whatever1' })],
    ['password that is a number', 'password', (login: string) => ({ login, password: 1234 })],
    ['login that is a number', 'login', () => ({ login: 1234, password: 'whatever1' })],
    [
      'an unknown extra field',
      'remember',
      (login: string) => ({ login, password: 'whatever1', remember: true }),
    ],
  ])('answers 400 invalid for %s', async (_case, field, makeBody) => {
    const user = await registerUser();
    const res = await api().post('/api/auth/login').send(makeBody(user.login));
    expectInvalid(res, field);
  });

  it('answers 400 invalid for a malformed JSON body', async () => {
    const res = await api()
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"login": ');
    expectApiError(res, 400, 'invalid');
  });

  it(`answers 429 after ${E2E_LIMITS.failedLogins} failed logins for one login, and only for it`, async () => {
    const target = await registerUser();
    const bystander = await registerUser();

    for (let attempt = 1; attempt <= E2E_LIMITS.failedLogins; attempt++) {
      const res = await api()
        .post('/api/auth/login')
        .send({ login: target.login, password: `wrong-${attempt}` });
      expect({ attempt, status: res.status }).toEqual({ attempt, status: 401 });
    }
    const limited = await api()
      .post('/api/auth/login')
      .send({ login: target.login, password: 'wrong-again' });
    expectApiError(limited, 429, 'rate_limited');

    // The limit is per login: the same client can still log in as someone else.
    const other = await api()
      .post('/api/auth/login')
      .send({ login: bystander.login, password: bystander.password });
    expect(other.status).toBe(200);
  });

  it('rate-limits an unknown login the same way, so 429 does not reveal which logins exist', async () => {
    const ghost = uniqueLogin('ghost');
    for (let attempt = 1; attempt <= E2E_LIMITS.failedLogins; attempt++) {
      const res = await api()
        .post('/api/auth/login')
        .send({ login: ghost, password: `wrong-${attempt}` });
      expect({ attempt, status: res.status }).toEqual({ attempt, status: 401 });
    }
    const limited = await api().post('/api/auth/login').send({ login: ghost, password: 'wrong' });
    expectApiError(limited, 429, 'rate_limited');
  });
});

describe('POST /api/auth/logout', () => {
  it('answers 204 and the token gets 401 on REST at once', async () => {
    const user = await registerUser();
    expect((await api().get('/api/users/me').set(bearer(user.token))).status).toBe(200);

    const res = await api().post('/api/auth/logout').set(bearer(user.token));
    expect(res.status).toBe(204);
    expect(res.text ?? '').toBe('');

    expectApiError(await api().get('/api/users/me').set(bearer(user.token)), 401, 'unauthorized');
    expectApiError(await api().get('/api/chats').set(bearer(user.token)), 401, 'unauthorized');
    expectApiError(
      await api().post('/api/auth/logout').set(bearer(user.token)),
      401,
      'unauthorized',
    );
  });

  it('ends only that session: a token from another login keeps working', async () => {
    const user = await registerUser();
    // A new second, so even a token made only of { sub, iat, exp } differs from the first.
    await sleep(1_100);
    const second = await api()
      .post('/api/auth/login')
      .send({ login: user.login, password: user.password });
    expect(second.status).toBe(200);
    const otherToken = (second.body as AuthResult).accessToken;

    expect((await api().post('/api/auth/logout').set(bearer(user.token))).status).toBe(204);

    expect((await api().get('/api/users/me').set(bearer(otherToken))).status).toBe(200);
  });

  it('answers 401 without a token', async () => {
    expectApiError(await api().post('/api/auth/logout'), 401, 'unauthorized');
  });
});
