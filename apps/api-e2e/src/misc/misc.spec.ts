import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { api, bearer, expectApiError } from '../support/http';
import { expiredCopy, forgedCopy } from '../support/tokens';
import { registerUser } from '../support/users';

/** Every REST route of the contract, as [method, path] with `:id` for the chat id. */
const CONTRACT_ROUTES: [string, string][] = [
  ['post', '/api/auth/register'],
  ['post', '/api/auth/login'],
  ['post', '/api/auth/logout'],
  ['get', '/api/users/me'],
  ['get', '/api/users'],
  ['get', '/api/chats'],
  ['post', '/api/chats'],
  ['get', '/api/chats/:id/messages'],
  ['post', '/api/chats/:id/messages'],
  ['post', '/api/chats/:id/read'],
  ['get', '/api/health'],
];

const PUBLIC_ROUTES = ['/api/auth/register', '/api/auth/login', '/api/health'];

/** A protected route called with a body that would be valid, so only the token is wrong. */
function call(method: string, path: string): Test {
  const url = path.replace(':id', 'all');
  if (method === 'get') return api().get(url);
  const body: Record<string, object> = {
    '/api/chats': { peerId: randomUUID() },
    '/api/chats/all/messages': { content: 'hi', clientId: randomUUID() },
    '/api/chats/all/read': { upToId: '1' },
  };
  return api()
    .post(url)
    .send(body[url] ?? {});
}

describe('GET /api/health', () => {
  it('answers 200 {status: ok, db: up, redis: off} without a token', async () => {
    const res = await api().get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: 'up', redis: 'off' });
  });
});

describe('GET /api/docs-json', () => {
  it('is an OpenAPI document listing every contract route', async () => {
    const res = await api().get('/api/docs-json');
    expect(res.status).toBe(200);
    const doc = res.body as { openapi?: unknown; paths?: Record<string, Record<string, unknown>> };
    expect(String(doc.openapi)).toMatch(/^3\./);

    // Path parameters may have any name: compare `{chatId}` and `:id` alike.
    const listed = Object.entries(doc.paths ?? {}).flatMap(([path, operations]) =>
      Object.keys(operations).map(
        (method) => `${method.toLowerCase()} ${path.replace(/\{[^}]+\}/g, ':id')}`,
      ),
    );
    const wanted = CONTRACT_ROUTES.map(([method, path]) => `${method} ${path}`);
    expect(wanted.filter((route) => !listed.includes(route))).toEqual([]);
  });
});

describe('Bearer authentication', () => {
  const protectedRoutes = CONTRACT_ROUTES.filter(([, path]) => !PUBLIC_ROUTES.includes(path));

  it.each(protectedRoutes)('%s %s answers 401 unauthorized without a token', async (m, path) => {
    expectApiError(await call(m, path), 401, 'unauthorized');
  });

  it.each(protectedRoutes)('%s %s answers 401 unauthorized for bad tokens', async (m, path) => {
    const user = await registerUser();
    const headers = [
      bearer('garbage'),
      bearer(forgedCopy(user.token)),
      bearer(expiredCopy(user.token)),
      { Authorization: user.token },
      {
        Authorization: `Basic ${Buffer.from(`${user.login}:${user.password}`).toString('base64')}`,
      },
    ];
    for (const header of headers) {
      const res = await call(m, path).set(header);
      expect({ header, status: res.status }).toEqual({ header, status: 401 });
      expectApiError(res, 401, 'unauthorized');
    }
  });

  it('the same routes accept a valid token (none answers 401)', async () => {
    const user = await registerUser();
    // Logout last: it ends the session.
    const isLogout = ([, p]: [string, string]): boolean => p === '/api/auth/logout';
    const ordered = [
      ...protectedRoutes.filter((r) => !isLogout(r)),
      ...protectedRoutes.filter(isLogout),
    ];
    for (const [method, path] of ordered) {
      const res = await call(method, path).set(bearer(user.token));
      expect({ route: `${method} ${path}`, status: res.status }).not.toEqual({
        route: `${method} ${path}`,
        status: 401,
      });
    }
  });
});
