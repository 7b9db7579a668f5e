import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TestApp } from '../testing/test-app';
import { AuthService } from './auth.service';

describe('AuthService', () => {
  const t = TestApp.forSpec();
  const auth = t.service(AuthService);

  const login = () => `u_${randomUUID().slice(0, 8)}`;
  let addresses = 0;
  const address = () => `10.8.${Math.floor(++addresses / 250)}.${addresses % 250}`;

  it('stores a bcrypt hash, never the password, and signs the user in', async () => {
    const name = login();
    const result = await auth.register(
      { login: name, fullName: 'Ann', password: 'password123' },
      address(),
    );
    expect(result.user).toEqual({
      id: expect.any(String),
      login: name,
      fullName: 'Ann',
      online: false,
    });
    expect(JSON.stringify(result)).not.toContain('password123');
    const stored = await t
      .get(DataSource)
      .query<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE id = $1', [
        result.user.id,
      ]);
    expect(stored).toHaveLength(1);
    // bcrypt at BCRYPT_COST's default of 10: $2b$10$ then 53 characters of salt and hash.
    expect(stored[0]?.password_hash).toMatch(/^\$2[aby]\$10\$[./A-Za-z0-9]{53}$/);
    expect(stored[0]?.password_hash).not.toContain('password123');
    const [row] = await t.app
      .get(JwtService)
      .verifyAsync<{ sub: string }>(result.accessToken)
      .then((claims) => [claims]);
    expect(row?.sub).toBe(result.user.id);
  });

  it('refuses a taken login with conflict', async () => {
    const name = login();
    await auth.register({ login: name, fullName: 'Ann', password: 'password123' }, address());
    await expect(
      auth.register({ login: name, fullName: 'Other', password: 'password123' }, address()),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('answers an unknown login and a wrong password with the same error', async () => {
    const name = login();
    await auth.register({ login: name, fullName: 'Ann', password: 'password123' }, address());
    const wrong = await auth
      .login({ login: name, password: 'wrong-password' }, '10.0.0.1')
      .catch((e: Error) => e);
    const unknown = await auth
      .login({ login: login(), password: 'password123' }, '10.0.0.1')
      .catch((e: Error) => e);
    expect(wrong).toMatchObject({ code: 'unauthorized' });
    expect(unknown).toMatchObject({ code: 'unauthorized', message: (wrong as Error).message });
  });

  it('locks a login out from the address that failed, not from its owner’s address', async () => {
    const name = login();
    await auth.register({ login: name, fullName: 'Ann', password: 'password123' }, address());
    const stranger = address();
    for (let i = 0; i < 10; i++) {
      await auth.login({ login: name, password: 'nope-nope' }, stranger).catch(() => undefined);
    }
    await expect(
      auth.login({ login: name, password: 'password123' }, stranger),
    ).rejects.toMatchObject({
      code: 'rate_limited',
      options: { retryAfterMs: expect.any(Number) as number },
    });
    // The owner, elsewhere, gets in: slowed by the stranger's failures, not locked out.
    const started = Date.now();
    await expect(
      auth.login({ login: name, password: 'password123' }, address()),
    ).resolves.toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('counts parallel wrong guesses from one address before comparing, so a burst cannot beat the limit', async () => {
    const name = login();
    await auth.register({ login: name, fullName: 'Ann', password: 'password123' }, address());
    const from = address();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, () => auth.login({ login: name, password: 'guess-guess' }, from)),
    );
    const codes = outcomes.map((o) =>
      o.status === 'rejected' ? (o.reason as { code: string }).code : 'ok',
    );
    expect(codes.filter((c) => c === 'unauthorized')).toHaveLength(10);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(20);
  });

  it('tells apart passwords that differ only after 72 bytes', async () => {
    const name = login();
    const long = '😀'.repeat(18);
    await auth.register({ login: name, fullName: 'Ann', password: `${long}right` }, address());
    await expect(
      auth.login({ login: name, password: `${long}wrong` }, address()),
    ).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(
      auth.login({ login: name, password: `${long}right` }, address()),
    ).resolves.toBeDefined();
  });

  it('limits registrations per address, not per person', async () => {
    const from = '10.99.0.1';
    for (let i = 0; i < 30; i++) {
      await auth.register({ login: login(), fullName: 'Bulk', password: 'password123' }, from);
    }
    await expect(
      auth.register({ login: login(), fullName: 'One too many', password: 'password123' }, from),
    ).rejects.toMatchObject({ code: 'rate_limited' });
    await expect(
      auth.register({ login: login(), fullName: 'Elsewhere', password: 'password123' }, address()),
    ).resolves.toBeDefined();
  });

  it('ends the session at logout: the token no longer authenticates', async () => {
    const result = await auth.register(
      {
        login: login(),
        fullName: 'Ann',
        password: 'password123',
      },
      address(),
    );
    const user = await auth.authenticate(result.accessToken);
    await auth.logout(user);
    await expect(auth.authenticate(result.accessToken)).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('accepts only HS256 tokens with an expiry, signed with its own key', async () => {
    const result = await auth.register(
      {
        login: login(),
        fullName: 'Ann',
        password: 'password123',
      },
      address(),
    );
    const { sub, sid } = JSON.parse(
      Buffer.from(result.accessToken.split('.')[1] ?? '', 'base64url').toString(),
    ) as { sub: string; sid: string };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub, sid, exp: 9999999999 })}.`;
    const otherKey = new JwtService({ secret: 'another-secret-another-secret-another' });
    const foreign = await otherKey.signAsync({ sub, sid }, { expiresIn: 3600 });
    // Its own key, but not HS256: an algorithm it does not sign with is refused too.
    const hs512 = await t.app
      .get(JwtService)
      .signAsync({ sub, sid }, { expiresIn: 3600, algorithm: 'HS512' });
    const noExp = await t.app.get(JwtService).signAsync({ sub, sid });
    const expired = await t.app.get(JwtService).signAsync({ sub, sid }, { expiresIn: -10 });
    for (const token of [unsigned, foreign, hs512, noExp, expired, 'garbage', '']) {
      await expect(auth.authenticate(token)).rejects.toMatchObject({ code: 'unauthorized' });
    }
    await expect(auth.authenticate(result.accessToken)).resolves.toMatchObject({ id: sub });
  });
});
