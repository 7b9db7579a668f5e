import { GLOBAL_CHAT_ID, LIMITS } from '@chat/shared-types';
import { randomUUID } from 'node:crypto';
import { useApi } from './support/api';
import { describeExchange, http, isApiError, outcomeOf } from './support/http';
import { itKeepsSecretsOutOfTheLog } from './support/log-check';
import { Vector } from './support/report';
import { connectSocket, emitAck, recordEvents, sleep } from './support/sockets';
import { openDirectChat, registerUser, uniqueLogin, type TestUser } from './support/users';

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  }
  return [];
}

describe('Passwords', () => {
  const getApi = useApi('passwords');
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    const api = getApi();
    alice = await registerUser(api);
    bob = await registerUser(api);
    await openDirectChat(api, alice, bob);
  });

  it('never returns a password or a hash', async () => {
    const api = getApi();
    const vector = new Vector(
      'Passwords',
      'every answer that describes a user: register, login, /users/me, /users, /chats, history, socket session and events',
      'no password, no hash, no pass/hash/salt key',
    );
    const login = await http(api, '/api/auth/login', {
      json: { login: alice.login, password: alice.password },
    });
    const socket = await connectSocket(api, alice.token);
    const events = recordEvents(socket);
    await emitAck(socket, 'message:send', [
      { chatId: GLOBAL_CHAT_ID, content: 'hello', clientId: randomUUID() },
    ]);
    const bodies: [string, unknown][] = [
      ['POST /api/auth/login', login.body],
      ['GET /api/users/me', (await http(api, '/api/users/me', { token: alice.token })).body],
      ['GET /api/users', (await http(api, '/api/users', { token: alice.token })).body],
      ['GET /api/chats', (await http(api, '/api/chats', { token: alice.token })).body],
      [
        'GET history',
        (await http(api, `/api/chats/${GLOBAL_CHAT_ID}/messages`, { token: alice.token })).body,
      ],
      ['GET /api/docs-json', (await http(api, '/api/docs-json')).body],
    ];
    const fresh = uniqueLogin();
    const registered = await http(api, '/api/auth/register', {
      json: { login: fresh, fullName: 'Fresh', password: 'fresh-password-1' },
    });
    api.remember('fresh-password-1');
    api.remember((registered.body as { accessToken?: string }).accessToken);
    bodies.push(['POST /api/auth/register', registered.body]);
    await sleep(200);
    bodies.push(['socket events', events.map((e) => e.args)]);
    for (const [label, body] of bodies) {
      const text = JSON.stringify(body) ?? '';
      vector.saw(label, false);
      for (const password of [alice.password, bob.password, 'fresh-password-1']) {
        if (text.includes(password)) vector.leak(`${label} contains a password`);
      }
      if (/\$2[aby]\$\d\d\$/.test(text)) vector.leak(`${label} contains a bcrypt hash`);
      const keys = keysOf(body).filter((key) => /pass|hash|salt/i.test(key));
      // The OpenAPI document names the request field `password`; it must not describe a hash.
      const allowed = label === 'GET /api/docs-json' ? ['password'] : [];
      for (const key of keys.filter((k) => !allowed.includes(k))) {
        vector.leak(`${label} has a "${key}" key`);
      }
    }
    vector.finish();
  });

  it('enforces the length rules', async () => {
    const api = getApi();
    const vector = new Vector(
      'Passwords',
      `length at sign-up: ${LIMITS.passwordMin - 1} and ${LIMITS.passwordMax + 1} characters refused, ${LIMITS.passwordMin} and ${LIMITS.passwordMax} accepted; empty, a number`,
      '400 invalid naming password; 201 at the bounds',
    );
    const cases: [string, unknown, number][] = [
      [`${LIMITS.passwordMin - 1} characters`, 'x'.repeat(LIMITS.passwordMin - 1), 400],
      ['empty', '', 400],
      ['a number', 12345678, 400],
      [`${LIMITS.passwordMax + 1} characters`, 'x'.repeat(LIMITS.passwordMax + 1), 400],
      [`${LIMITS.passwordMin} characters`, 'abcdefgh', 201],
      [`${LIMITS.passwordMax} characters`, 'y'.repeat(LIMITS.passwordMax), 201],
    ];
    for (const [label, password, status] of cases) {
      const res = await http(api, '/api/auth/register', {
        json: { login: uniqueLogin(), fullName: 'Length', password },
      });
      api.remember((res.body as { accessToken?: string } | undefined)?.accessToken);
      vector.saw(outcomeOf(res), res.status === 400);
      const right =
        status === 400
          ? isApiError(res, 400, 'invalid') && /password/.test(res.text)
          : res.status === 201;
      vector.require(right, describeExchange(`password ${label}`, res));
    }
    vector.finish();
  });

  it('stores bcrypt hashes of cost 10 or more, never the password', async () => {
    const api = getApi();
    const vector = new Vector(
      'Passwords',
      'the users table of the run (read directly from PostgreSQL)',
      'every password_hash a bcrypt hash ($2b$), cost ≥ 10, not the password',
    );
    const rows = await api.query<{ login: string; password_hash: string }>(
      'SELECT login, password_hash FROM users',
    );
    const costs = new Set<number>();
    for (const row of rows) {
      const match = BCRYPT.exec(row.password_hash);
      vector.saw(match ? `$2${row.password_hash[2]}$${match[1]}$` : 'not bcrypt', false);
      if (!match) {
        vector.problem(`${row.login}: password_hash is not a bcrypt hash`);
        continue;
      }
      costs.add(Number(match[1]));
      vector.require(Number(match[1]) >= 10, `${row.login}: bcrypt cost ${match[1]}`);
    }
    for (const user of [alice, bob]) {
      const row = rows.find((r) => r.login === user.login);
      vector.require(
        row !== undefined && row.password_hash !== user.password,
        `${user.login}: stored in clear`,
      );
    }
    vector.figure = `${rows.length} users, cost ${[...costs].join(', ')}`;
    vector.finish();
  });

  it('uses the whole password: nothing past 72 bytes or a NUL byte is ignored', async () => {
    const api = getApi();
    const vector = new Vector(
      'Passwords',
      'bcrypt truncation: passwords that differ only after byte 72 (ASCII, 4-byte emoji) or after a NUL byte',
      'the other password is refused (401)',
    );
    const pairs: [string, string, string][] = [
      ['differs after 72 ASCII bytes', `${'a'.repeat(72)}-right`, `${'a'.repeat(72)}-wrong`],
      ['differs after 18 emoji (72 bytes)', `${'😀'.repeat(18)}right`, `${'😀'.repeat(18)}wrong`],
      ['differs after a NUL byte', 'prefix-1\u0000right', 'prefix-1\u0000wrong'],
    ];
    for (const [label, password, other] of pairs) {
      api.remember(password);
      const login = uniqueLogin();
      const registered = await http(api, '/api/auth/register', {
        json: { login, fullName: 'Truncation', password },
      });
      api.remember((registered.body as { accessToken?: string } | undefined)?.accessToken);
      if (registered.status !== 201) {
        vector.saw(`sign-up ${outcomeOf(registered)}`, true);
        vector.require(registered.status < 500, describeExchange(`sign-up (${label})`, registered));
        continue;
      }
      const res = await http(api, '/api/auth/login', { json: { login, password: other } });
      api.remember((res.body as { accessToken?: string } | undefined)?.accessToken);
      vector.saw(outcomeOf(res), res.status === 401);
      vector.require(
        isApiError(res, 401, 'unauthorized'),
        `${label}: signed up with ${JSON.stringify(password)}, signed in with ${JSON.stringify(other)} → ${res.status}`,
      );
    }
    vector.finish();
  });

  itKeepsSecretsOutOfTheLog(getApi, 'passwords');
});
