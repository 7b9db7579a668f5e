import { GLOBAL_CHAT_ID, HANDSHAKE_UNAUTHORIZED } from '@chat/shared-types';
import { startTestApi } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import { DEFAULT_TEST_ENV, SecurityApi, useApi } from './support/api';
import { describeExchange, http, isApiError, outcomeOf } from './support/http';
import {
  decodeClaims,
  nowSeconds,
  randomSecret,
  signJwt,
  unsignedJwt,
  type Claims,
} from './support/jwt';
import { itKeepsSecretsOutOfTheLog } from './support/log-check';
import { Vector } from './support/report';
import {
  connectSocket,
  disconnection,
  emitAck,
  handshake,
  openSocket,
  recordEvents,
  sleep,
  type SocketOptions,
} from './support/sockets';
import { login, logout, registerUser, type TestUser } from './support/users';

describe('Tokens', () => {
  const getApi = useApi('tokens');
  let alice: TestUser;
  let bob: TestUser;
  let live: Claims;

  beforeAll(async () => {
    const api = getApi();
    alice = await registerUser(api);
    bob = await registerUser(api);
    const claims = decodeClaims(alice.token);
    live = { sub: claims['sub'], sid: claims['sid'], iat: nowSeconds(), exp: nowSeconds() + 3600 };
  });

  /** Each token on GET /api/users/me and at the handshake: all must be refused. */
  async function expectRefused(vector: Vector, tokens: [string, string][]): Promise<void> {
    const api = getApi();
    for (const [label, token] of tokens) {
      const res = await http(api, '/api/users/me', { token });
      vector.saw(outcomeOf(res), res.status === 401);
      vector.require(
        isApiError(res, 401, 'unauthorized'),
        describeExchange(`${label}: GET /api/users/me`, res),
      );
      const socket = openSocket(api, { token });
      const outcome = await handshake(socket);
      vector.saw(outcome.ok ? 'connected' : `connect_error ${outcome.error}`, !outcome.ok);
      vector.require(
        !outcome.ok && outcome.error === HANDSHAKE_UNAUTHORIZED,
        `${label}: handshake → ${JSON.stringify(outcome)}`,
      );
      socket.disconnect();
    }
  }

  it('accepts the real token (control)', async () => {
    const api = getApi();
    const vector = new Vector(
      'Tokens',
      'control: the token the API issued, as issued',
      '200; session',
    );
    const res = await http(api, '/api/users/me', { token: alice.token });
    vector.saw(outcomeOf(res), false);
    vector.require(res.status === 200, describeExchange('GET /api/users/me', res));
    const outcome = await handshake(openSocket(api, { token: alice.token }));
    vector.saw(outcome.ok ? 'session' : `connect_error ${outcome.error}`, false);
    vector.require(outcome.ok, `handshake → ${JSON.stringify(outcome)}`);
    const [headerPart = ''] = alice.token.split('.');
    const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString()) as Claims;
    const claims = decodeClaims(alice.token);
    vector.require(header['alg'] === 'HS256', `issued with alg ${String(header['alg'])}`);
    vector.require(typeof claims['exp'] === 'number', 'issued without exp');
    vector.figure = `alg ${String(header['alg'])}, ttl ${Number(claims['exp']) - Number(claims['iat'])} s`;
    vector.finish();
  });

  it('accepts HS256 only', async () => {
    const secret = getApi().jwtSecret;
    const attackerKey = randomSecret();
    const vector = new Vector(
      'Tokens',
      'algorithms other than HS256: HS384/HS512 with the right key, RS256/ES256/PS256 headers over an HMAC (key confusion), none, key-carrying headers (jwk, jku, kid)',
      '401; connect_error unauthorized',
    );
    await expectRefused(vector, [
      ['HS384, right key', signJwt(live, secret, { alg: 'HS384' })],
      ['HS512, right key', signJwt(live, secret, { alg: 'HS512' })],
      [
        'RS256 header, HMAC by the right key',
        signJwt(live, secret, { alg: 'RS256', hmacAlg: 'HS256' }),
      ],
      [
        'ES256 header, HMAC by the right key',
        signJwt(live, secret, { alg: 'ES256', hmacAlg: 'HS256' }),
      ],
      [
        'PS256 header, HMAC by the right key',
        signJwt(live, secret, { alg: 'PS256', hmacAlg: 'HS256' }),
      ],
      ['alg none', unsignedJwt(live)],
      ['alg missing', signJwt(live, secret, { header: { alg: undefined } })],
      [
        'embedded jwk with the attacker key',
        signJwt(live, attackerKey, {
          header: { jwk: { kty: 'oct', k: Buffer.from(attackerKey).toString('base64url') } },
        }),
      ],
      [
        'jku to a foreign key set',
        signJwt(live, attackerKey, { header: { jku: 'http://127.0.0.1:1/jwks' } }),
      ],
      [
        'kid pointing at an empty file',
        signJwt(live, '', { header: { kid: '../../../../dev/null' } }),
      ],
    ]);
    vector.finish();
  });

  it('requires a numeric exp in the future (and honours nbf)', async () => {
    const secret = getApi().jwtSecret;
    const noExp = Object.fromEntries(Object.entries(live).filter(([key]) => key !== 'exp'));
    const vector = new Vector(
      'Tokens',
      'exp rules with the right key and a live session: no exp, exp as a string, exp null, exp past, nbf in the future',
      '401; connect_error unauthorized',
    );
    await expectRefused(vector, [
      ['no exp', signJwt(noExp, secret)],
      ['exp as a string', signJwt({ ...live, exp: String(nowSeconds() + 3600) }, secret)],
      ['exp null', signJwt({ ...live, exp: null }, secret)],
      ['exp one minute ago', signJwt({ ...live, exp: nowSeconds() - 60 }, secret)],
      ['nbf in an hour', signJwt({ ...live, nbf: nowSeconds() + 3600 }, secret)],
    ]);
    vector.finish();
  });

  it('binds the claims to a live session of the same user', async () => {
    const secret = getApi().jwtSecret;
    const bobClaims = decodeClaims(bob.token);
    const vector = new Vector(
      'Tokens',
      'claims not matching a live session (right key): sub of another user, unknown sid, sid of another user, non-UUID sub/sid',
      '401; connect_error unauthorized',
    );
    await expectRefused(vector, [
      ["sub = bob, alice's sid", signJwt({ ...live, sub: bob.id }, secret)],
      ['unknown sid', signJwt({ ...live, sid: randomUUID() }, secret)],
      ["alice's sub, bob's sid", signJwt({ ...live, sid: bobClaims['sid'] }, secret)],
      ['sub not a UUID', signJwt({ ...live, sub: `${alice.id}' OR '1'='1` }, secret)],
      ['sid as an array', signJwt({ ...live, sid: [live['sid']] }, secret)],
      ['no sid', signJwt({ sub: live['sub'], exp: live['exp'] }, secret)],
    ]);
    vector.finish();
  });

  it('revokes a token at once on REST at logout; other sessions stay', async () => {
    const api = getApi();
    const user = await registerUser(api);
    const other = await login(api, user);
    const vector = new Vector(
      'Tokens',
      'logout, then the same token at once on 5 REST routes; the same user’s other session (control)',
      '204, then 401 with no delay; other session 200',
    );
    const out = await http(api, '/api/auth/logout', { method: 'POST', token: user.token });
    vector.require(out.status === 204, describeExchange('POST /api/auth/logout', out));
    const routes = [
      '/api/users/me',
      '/api/chats',
      '/api/users',
      `/api/chats/${GLOBAL_CHAT_ID}/messages`,
    ];
    for (const path of routes) {
      const res = await http(api, path, { token: user.token });
      vector.saw(outcomeOf(res), res.status === 401);
      vector.require(
        isApiError(res, 401, 'unauthorized'),
        describeExchange(`GET ${path} after logout`, res),
      );
    }
    const again = await http(api, '/api/auth/logout', { method: 'POST', token: user.token });
    vector.saw(outcomeOf(again), again.status === 401);
    vector.require(isApiError(again, 401, 'unauthorized'), describeExchange('logout twice', again));
    const control = await http(api, '/api/users/me', { token: other });
    vector.require(
      control.status === 200,
      describeExchange('other session GET /api/users/me', control),
    );
    vector.finish();
  });

  it('disconnects the session’s open sockets (websocket and polling) at logout', async () => {
    const api = getApi();
    const user = await registerUser(api);
    const otherSession = await login(api, user);
    const vector = new Vector(
      'Tokens',
      'logout with 3 open sockets of the session (2 websocket, 1 polling) and 1 of another session',
      'the 3 disconnected at once and refused on reconnect; the other stays',
    );
    const sockets = [await connectSocket(api, user.token), await connectSocket(api, user.token)];
    const polling = openSocket(api, { token: user.token, transports: ['polling'] });
    const pollingOutcome = await handshake(polling);
    vector.require(pollingOutcome.ok, `polling handshake → ${JSON.stringify(pollingOutcome)}`);
    sockets.push(polling);
    const survivor = await connectSocket(api, otherSession);
    const heard = sockets.map((socket) => recordEvents(socket));
    const survivorHeard = recordEvents(survivor);

    const started = performance.now();
    const waits = sockets.map((socket) => disconnection(socket, 3_000));
    await logout(api, user.token);
    const reasons = await Promise.all(waits);
    const latency = performance.now() - started;
    for (const [i, reason] of reasons.entries()) {
      vector.saw(reason ? `disconnected (${reason})` : 'still connected', reason !== null);
      vector.require(
        reason !== null,
        `socket ${i} of the revoked session is still connected 3 s after logout`,
      );
    }
    const probe = `after-logout-${randomUUID()}`;
    const sent = await emitAck(survivor, 'message:send', [
      { chatId: GLOBAL_CHAT_ID, content: probe, clientId: randomUUID() },
    ]);
    await sleep(300);
    vector.require(survivor.connected, 'the other session’s socket was disconnected too');
    vector.require(
      typeof sent !== 'string' && sent.ok,
      `the other session cannot send: ${JSON.stringify(sent)}`,
    );
    vector.require(
      survivorHeard.some((e) => JSON.stringify(e.args).includes(probe)),
      'the other session’s socket heard nothing after the logout',
    );
    for (const [i, events] of heard.entries()) {
      const late = events.find((e) => JSON.stringify(e.args).includes(probe));
      if (late) vector.leak(`revoked socket ${i} heard ${late.event} after logout`);
    }
    const reconnect = await handshake(openSocket(api, { token: user.token }));
    vector.saw(
      reconnect.ok ? 'reconnected' : `reconnect: connect_error ${reconnect.error}`,
      !reconnect.ok,
    );
    vector.require(
      !reconnect.ok && reconnect.error === HANDSHAKE_UNAUTHORIZED,
      `reconnect → ${JSON.stringify(reconnect)}`,
    );
    vector.figure = `all 3 closed ${Math.round(latency)} ms after the logout request was sent`;
    vector.require(latency < 1_000, `sockets closed only after ${Math.round(latency)} ms`);
    vector.finish();
  });

  it('never takes a token from the URL, the query string or another header', async () => {
    const api = getApi();
    const token = alice.token;
    const vector = new Vector(
      'Tokens',
      'token in ?token=, ?access_token=, ?authorization=, a cookie, X-Access-Token/X-Auth-Token; socket query {token}, {access_token}, Authorization header (websocket, polling), cookie',
      '401; connect_error unauthorized',
    );
    const paths = ['/api/users/me', `/api/chats/${GLOBAL_CHAT_ID}/messages`];
    const encoded = encodeURIComponent(token);
    const variants: [string, string, Record<string, string>][] = [];
    for (const path of paths) {
      variants.push(
        [`${path}?token=`, `${path}?token=${encoded}`, {}],
        [`${path}?access_token=`, `${path}?access_token=${encoded}`, {}],
        [
          `${path}?authorization=Bearer`,
          `${path}?authorization=${encodeURIComponent(`Bearer ${token}`)}`,
          {},
        ],
        [`${path} cookie token=`, path, { cookie: `token=${token}; access_token=${token}` }],
        [`${path} X-Access-Token`, path, { 'x-access-token': token }],
        [`${path} X-Auth-Token`, path, { 'x-auth-token': token }],
      );
    }
    for (const [label, path, headers] of variants) {
      const res = await http(api, path, { headers });
      vector.saw(outcomeOf(res), res.status === 401);
      vector.require(isApiError(res, 401, 'unauthorized'), describeExchange(label, res));
    }
    const post = await http(api, `/api/chats/${GLOBAL_CHAT_ID}/messages?access_token=${encoded}`, {
      json: { content: `via-url-${randomUUID()}`, clientId: randomUUID() },
    });
    vector.saw(outcomeOf(post), post.status === 401);
    vector.require(
      isApiError(post, 401, 'unauthorized'),
      describeExchange('POST message ?access_token=', post),
    );

    const socketVariants: [string, SocketOptions][] = [
      ['query token', { query: { token } }],
      ['query access_token', { query: { access_token: token } }],
      ['query token (polling)', { query: { token }, transports: ['polling'] }],
      ['Authorization header (websocket)', { extraHeaders: { authorization: `Bearer ${token}` } }],
      [
        'Authorization header (polling)',
        { extraHeaders: { authorization: `Bearer ${token}` }, transports: ['polling'] },
      ],
      ['cookie', { extraHeaders: { cookie: `token=${token}` } }],
    ];
    for (const [label, options] of socketVariants) {
      const outcome = await handshake(openSocket(api, options));
      vector.saw(outcome.ok ? 'connected' : `connect_error ${outcome.error}`, !outcome.ok);
      vector.require(
        !outcome.ok && outcome.error === HANDSHAKE_UNAUTHORIZED,
        `socket ${label} → ${JSON.stringify(outcome)}`,
      );
    }
    vector.finish();
  });

  it('closes a socket when its token expires (TOKEN_TTL=3 s)', async () => {
    const short = new SecurityApi(
      await startTestApi({
        name: 'security-tokens-ttl',
        env: { ...DEFAULT_TEST_ENV, TOKEN_TTL: '3' },
      }),
    );
    try {
      const user = await registerUser(short);
      const vector = new Vector(
        'Tokens',
        'an open socket and REST after the token expired (API started with TOKEN_TTL=3)',
        'socket closed at expiry; 401 after',
      );
      const socket = await connectSocket(short, user.token);
      const started = performance.now();
      const reason = await disconnection(socket, 6_000);
      const after = performance.now() - started;
      vector.saw(reason ? `disconnected (${reason})` : 'still connected', reason !== null);
      vector.require(reason !== null, 'the socket is still connected 6 s after a 3 s token');
      const res = await http(short, '/api/users/me', { token: user.token });
      vector.saw(outcomeOf(res), res.status === 401);
      vector.require(
        isApiError(res, 401, 'unauthorized'),
        describeExchange('GET /api/users/me after expiry', res),
      );
      vector.figure = `socket closed ${(after / 1000).toFixed(1)} s after connecting`;
      vector.finish();
    } finally {
      await short.run.cleanUp();
    }
  });

  itKeepsSecretsOutOfTheLog(getApi, 'tokens');
});
