import type { AuthResult, HistoryPage } from '@chat/shared-types';
import {
  connectSession,
  emitRaw,
  randomPassword,
  startTestApi,
  testUserOf,
  type ChatSocket,
  type TestApiRun,
  type TestUser,
} from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import request, { type Response } from 'supertest';
import { expectApiError } from '../support/http';
import { uniqueLogin } from '../support/users';

/** The page the API serves for the web app in this file (a stand-in for the Angular build). */
const APP_PAGE = '<!doctype html><title>web app</title>';
const ALLOWED_ORIGIN = 'https://chat.example';

/*
 * HTTP as an integrator's tools meet it: bodies, content types, query strings, paths, methods
 * and limits. An API of its own, so it can serve a web app (WEB_DIR) and allow an origin.
 */
describe('HTTP edge cases', () => {
  let run: TestApiRun | undefined;
  let webDir = '';
  let user: TestUser;
  const sockets: ChatSocket[] = [];

  const api = () => {
    if (!run) throw new Error('beforeAll did not start the API');
    return request(run.api.baseUrl);
  };
  const auth = () => ({ Authorization: `Bearer ${user.token}` });

  async function register(): Promise<TestUser> {
    const password = randomPassword(6);
    const res = await api()
      .post('/api/auth/register')
      .send({ login: uniqueLogin('edge'), fullName: 'Edge Case', password });
    expect(res.status).toBe(201);
    return testUserOf(res.body as AuthResult, password);
  }

  async function messageCount(): Promise<number> {
    const res = await api().get('/api/chats/all/messages?limit=100').set(auth());
    return (res.body as HistoryPage).messages.length;
  }

  /** POSTs bytes exactly as given (fetch: no client re-encodes them) to the global chat. */
  async function postRaw(body: string | Buffer, headers: Record<string, string>) {
    if (!run) throw new Error('beforeAll did not start the API');
    const res = await fetch(`${run.api.baseUrl}/api/chats/all/messages`, {
      method: 'POST',
      headers: { ...auth(), ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as unknown } as Response;
  }

  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'api-e2e-web-'));
    await writeFile(join(webDir, 'index.html'), APP_PAGE);
    run = await startTestApi({
      name: 'api-e2e-http-edges',
      env: { WEB_DIR: webDir, CORS_ORIGINS: ALLOWED_ORIGIN, RATE_LIMIT_REGISTER: '1000' },
    });
    user = await register();
  }, 90_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await run?.cleanUp();
    await rm(webDir, { recursive: true, force: true });
  }, 60_000);

  describe('request bodies', () => {
    it.each(['gzip', 'deflate', 'br'])(
      'answers 400 invalid for a body that says Content-Encoding %s but is not',
      async (encoding) => {
        const before = await messageCount();
        const body = JSON.stringify({ content: 'plain', clientId: randomUUID() });
        const res = await postRaw(body, {
          'Content-Type': 'application/json',
          'Content-Encoding': encoding,
        });
        expect(expectApiError(res, 400, 'invalid').message).toMatch(/Content-Encoding/);
        expect(await messageCount()).toBe(before);
      },
    );

    it('reads bodies that really are compressed', async () => {
      const body = (content: string) => JSON.stringify({ content, clientId: randomUUID() });
      const gzip = await postRaw(gzipSync(body('gzipped')), {
        'Content-Type': 'application/json',
        'Content-Encoding': 'gzip',
      });
      const br = await postRaw(brotliCompressSync(body('brotli')), {
        'Content-Type': 'application/json',
        'Content-Encoding': 'br',
      });
      expect([gzip.status, br.status]).toEqual([201, 201]);
    });

    it('keeps every client error of the body parser a 4xx: bad JSON, too large, charset, encoding', async () => {
      const json = { 'Content-Type': 'application/json' };
      expectApiError(await postRaw('{"content":', json), 400, 'invalid');
      expectApiError(await postRaw(`"${'x'.repeat(70_000)}"`, json), 413, 'invalid');
      expectApiError(
        await postRaw('{}', { 'Content-Type': 'application/json; charset=x-unknown' }),
        415,
        'invalid',
      );
      expectApiError(
        await postRaw('{}', { ...json, 'Content-Encoding': 'x-unknown' }),
        415,
        'invalid',
      );
    });

    it.each([
      ['text/plain', '{"content":"hi"}'],
      ['application/x-www-form-urlencoded', 'content=hi'],
      ['multipart/form-data; boundary=x', '--x\r\n\r\nhi\r\n--x--'],
    ])('answers 415 invalid for a %s body, and stores nothing', async (type, body) => {
      const before = await messageCount();
      const res = await postRaw(body, { 'Content-Type': type });
      const error = expectApiError(res, 415, 'invalid');
      expect(error.message).toMatch(/Content-Type .* application\/json/);
      expect(await messageCount()).toBe(before);
    });

    it('answers 415 on a public route too, and takes a bodiless POST whatever its Content-Type', async () => {
      const login = await api()
        .post('/api/auth/login')
        .type('form')
        .send({ login: user.login, password: user.password });
      expectApiError(login, 415, 'invalid');
      const other = await register();
      const logout = await api()
        .post('/api/auth/logout')
        .set({ Authorization: `Bearer ${other.token}`, 'Content-Type': 'text/plain' });
      expect(logout.status).toBe(204);
    });
  });

  describe('query strings and unknown fields', () => {
    it('ignores query parameters a route does not know (cache-busters, utm_*) on every route', async () => {
      const users = await api().get('/api/users?_=123&utm_source=mail').set(auth());
      const history = await api().get('/api/chats/all/messages?_=1&limit=1&ref=x').set(auth());
      const me = await api().get('/api/users/me?_=1').set(auth());
      expect([users.status, history.status, me.status]).toEqual([200, 200, 200]);
      expect((history.body as HistoryPage).messages.length).toBeLessThanOrEqual(1);
    });

    it('still refuses unknown body fields, naming them', async () => {
      const res = await api()
        .post('/api/chats/all/messages')
        .set(auth())
        .send({ content: 'hi', clientId: randomUUID(), senderId: user.id });
      expect(expectApiError(res, 400, 'invalid').message).toMatch(/\bsenderId\b/);
    });

    it('keeps the message short however many unknown fields a body names', async () => {
      const body: Record<string, string> = { content: 'hi', clientId: randomUUID() };
      for (let i = 0; i < 1_500; i++) body[`unknown_field_${i}_${'x'.repeat(10)}`] = 'x';
      const res = await api().post('/api/chats/all/messages').set(auth()).send(body);
      const { message } = expectApiError(res, 400, 'invalid');
      expect(message.length).toBeLessThan(1_000);
      expect(message).toMatch(/unknown_field_0_/);
      expect(message).toMatch(/and 1490 more$/);
    });

    it.each(['0x10', '1e1', ' 10', '10.0', '+5', 'abc', '0', '101'])(
      'answers limit=%j with 400 "limit must be a whole number from 1 to 100"',
      async (limit) => {
        const res = await api().get('/api/chats/all/messages').query({ limit }).set(auth());
        expect(expectApiError(res, 400, 'invalid').message).toBe(
          'limit must be a whole number from 1 to 100',
        );
      },
    );

    it('reads decimal limits on the users list too', async () => {
      const ok = await api().get('/api/users?limit=1').set(auth());
      expect(ok.status).toBe(200);
      const hex = await api().get('/api/users?limit=0x10').set(auth());
      expect(expectApiError(hex, 400, 'invalid').message).toMatch(/limit must be a whole number/);
    });

    it('answers before together with after with 400 (REST and chat:history), not an empty page', async () => {
      const res = await api().get('/api/chats/all/messages?before=5&after=1').set(auth());
      expect(expectApiError(res, 400, 'invalid').message).toMatch(
        /after cannot be used together with before/,
      );
      const { socket } = await connectSession(run?.api.baseUrl ?? '', user.token);
      sockets.push(socket);
      const both = await emitRaw(socket, 'chat:history', {
        chatId: 'all',
        before: '5',
        after: '1',
      });
      expect(both).toEqual({ ok: false, error: { code: 'invalid', message: expect.any(String) } });
      const fraction = await emitRaw(socket, 'chat:history', { chatId: 'all', limit: 2.5 });
      expect(fraction).toEqual({
        ok: false,
        error: { code: 'invalid', message: 'limit must be a whole number from 1 to 100' },
      });
    });
  });

  describe('paths', () => {
    it.each(['/API/chats', '//api/chats', '/apix', '/api/Chats', '/Api/users/me', '/api/nothing'])(
      'answers %s with the API’s JSON 404, never the web app',
      async (path) => {
        const res = await api().get(path).set(auth());
        expect(res.headers['content-type']).toMatch(/application\/json/);
        expectApiError(res, 404, 'not_found');
      },
    );

    it('serves the web app for its own paths and the API at its exact paths', async () => {
      const page = await api().get('/chats/all');
      expect([page.status, page.text]).toEqual([200, APP_PAGE]);
      const chats = await api().get('/api/chats').set(auth());
      expect(chats.status).toBe(200);
    });
  });

  describe('response compression', () => {
    /** The body's bytes as they travel (node:http decodes nothing), and their encoding. */
    function onTheWire(path: string, acceptEncoding: string) {
      if (!run) throw new Error('beforeAll did not start the API');
      const url = `${run.api.baseUrl}${path}`;
      const headers = { ...auth(), 'Accept-Encoding': acceptEncoding };
      return new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
        httpGet(url, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        }).on('error', reject);
      });
    }

    it('sends JSON compressed to clients that take it (brotli first), and as it is to the others', async () => {
      for (let i = 0; i < 30; i++) {
        const res = await api()
          .post('/api/chats/all/messages')
          .set(auth())
          .send({ content: `long enough to compress ${i} `.repeat(20), clientId: randomUUID() });
        expect(res.status).toBe(201);
      }
      const path = '/api/chats/all/messages?limit=30';
      const plain = await onTheWire(path, 'identity');
      const gzipped = await onTheWire(path, 'gzip');
      const brotli = await onTheWire(path, 'gzip, deflate, br');
      expect([plain.encoding, gzipped.encoding, brotli.encoding]).toEqual([
        undefined,
        'gzip',
        'br',
      ]);
      expect(gzipped.bytes.length).toBeLessThan(plain.bytes.length / 4);
      expect(gunzipSync(gzipped.bytes).equals(plain.bytes)).toBe(true);
      expect(brotliDecompressSync(brotli.bytes).equals(plain.bytes)).toBe(true);
    });
  });

  describe('methods, preflights and retries', () => {
    it.each([
      ['delete', '/api/users/me', 'GET, HEAD, OPTIONS'],
      ['put', '/api/chats', 'GET, HEAD, POST, OPTIONS'],
      ['patch', '/api/auth/login', 'POST, OPTIONS'],
      ['delete', '/api/chats/all/messages', 'GET, HEAD, POST, OPTIONS'],
    ] as const)('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
      const res = await api()[method](path).set(auth());
      expectApiError(res, 405, 'invalid');
      expect(sortedList(res.headers['allow'])).toEqual(sortedList(allow));
    });

    it('answers an unknown path with 404 whatever the method', async () => {
      expectApiError(await api().delete('/api/nothing').set(auth()), 404, 'not_found');
      expectApiError(await api().put('/api/chats/all/nothing').set(auth()), 404, 'not_found');
    });

    it('lets browsers cache a CORS preflight (Access-Control-Max-Age)', async () => {
      const res = await api()
        .options('/api/chats')
        .set({ Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'POST' });
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
      expect(Number(res.headers['access-control-max-age'])).toBeGreaterThanOrEqual(600);
    });

    it('says when to retry on 429: failed sign-ins (the window) and sends (the refill)', async () => {
      const victim = await register();
      let limited: Response | undefined;
      for (let i = 0; i < 12 && !limited; i++) {
        const res = await api()
          .post('/api/auth/login')
          .send({ login: victim.login, password: 'wrong password' });
        if (res.status === 429) limited = res;
      }
      if (!limited) throw new Error('no 429 after 12 failed sign-ins');
      expectApiError(limited, 429, 'rate_limited');
      const wait = Number(limited.headers['retry-after']);
      expect(wait).toBeGreaterThan(800);
      expect(wait).toBeLessThanOrEqual(900);

      const sender = await register();
      const sends = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          api()
            .post('/api/chats/all/messages')
            .set({ Authorization: `Bearer ${sender.token}` })
            .send({ content: `burst ${i}`, clientId: randomUUID() }),
        ),
      );
      const refused = sends.find((res) => res.status === 429);
      if (!refused) throw new Error('no 429 in a burst of 80 sends');
      expect(refused.headers['retry-after']).toBe('1');
    });
  });
});

function sortedList(header: unknown): string[] {
  return String(header)
    .split(',')
    .map((method) => method.trim())
    .sort();
}
