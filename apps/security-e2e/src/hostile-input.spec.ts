import { GLOBAL_CHAT_ID, LIMITS, type Message } from '@chat/shared-types';
import { randomUUID } from 'node:crypto';
import { deflateSync, gzipSync } from 'node:zlib';
import { useApi } from './support/api';
import { describeExchange, http, isApiError, outcomeOf, type HttpResult } from './support/http';
import { itKeepsSecretsOutOfTheLog } from './support/log-check';
import { RawEngineSocket } from './support/raw-socket';
import { Vector } from './support/report';
import {
  ackOutcome,
  connectSocket,
  disconnection,
  emitAck,
  handshake,
  isAckError,
  openSocket,
  type AckResult,
} from './support/sockets';
import { history, registerUser, uniqueLogin, uniquePassword, type TestUser } from './support/users';

const MIB = 1024 * 1024;

describe('Hostile input', () => {
  const getApi = useApi('hostile-input', { MESSAGE_RATE: '100000', MESSAGE_BURST: '100000' });
  let user: TestUser;

  beforeAll(async () => {
    user = await registerUser(getApi());
  });

  const postMessage = (content: unknown, extra: Record<string, unknown> = {}) =>
    http(getApi(), `/api/chats/${GLOBAL_CHAT_ID}/messages`, {
      token: user.token,
      json: { content, clientId: randomUUID(), ...extra },
    });

  /** A client error (4xx, the ApiError shape), never a server error. */
  const isClientError = (res: HttpResult) =>
    res.status >= 400 && res.status < 500 && isApiError(res, res.status);

  it('accepts a 4000-character message of 4-byte characters, and refuses 4001', async () => {
    const api = getApi();
    const socket = await connectSocket(api, user.token);
    const vector = new Vector(
      'Hostile input',
      `the longest message: ${LIMITS.contentMax} × 4-byte emoji (😀, 𝕏) over REST and socket; ${LIMITS.contentMax + 1} refused`,
      '201 / ack ok, stored exactly; 4001 → 400 / ack invalid',
    );
    for (const char of ['😀', '𝕏']) {
      const content = char.repeat(LIMITS.contentMax);
      const res = await postMessage(content);
      vector.saw(`REST ${outcomeOf(res)}`, res.status !== 201);
      vector.require(
        res.status === 201 && (res.body as Message).content === content,
        describeExchange(`REST ${char}×${LIMITS.contentMax}`, res).slice(0, 200),
      );
      const ack = await emitAck(socket, 'message:send', [
        { chatId: GLOBAL_CHAT_ID, content, clientId: randomUUID() },
      ]);
      vector.saw(ackOutcome(ack), typeof ack === 'string' || !ack.ok);
      vector.require(
        typeof ack !== 'string' && ack.ok && (ack.data as Message).content === content,
        `socket ${char}×${LIMITS.contentMax} → ${JSON.stringify(ack).slice(0, 200)}`,
      );
      const over = char.repeat(LIMITS.contentMax + 1);
      const tooLong = await postMessage(over);
      vector.saw(`REST ${outcomeOf(tooLong)}`, tooLong.status === 400);
      vector.require(isApiError(tooLong, 400, 'invalid'), describeExchange('REST 4001', tooLong));
      const overAck = await emitAck(socket, 'message:send', [
        { chatId: GLOBAL_CHAT_ID, content: over, clientId: randomUUID() },
      ]);
      vector.saw(ackOutcome(overAck), isAckError(overAck, 'invalid'));
      vector.require(isAckError(overAck, 'invalid'), `socket 4001 → ${JSON.stringify(overAck)}`);
    }
    const stored = await history(api, user, GLOBAL_CHAT_ID);
    vector.require(
      stored.filter((m) => m.content.length === 2 * LIMITS.contentMax).length === 4,
      'the four long messages are not all in the history',
    );
    vector.figure = `${Buffer.byteLength('😀'.repeat(LIMITS.contentMax))} bytes of UTF-8 per message`;
    vector.finish();
  });

  it('refuses 1 MB bodies (plain, chunked, compressed bombs) before and after authentication', async () => {
    const api = getApi();
    const vector = new Vector(
      'Hostile input',
      '1 MiB JSON bodies to login, register and messages; chunked without Content-Length; gzip/deflate bombs (10 MiB inflated)',
      '413 (ApiError invalid), the API unharmed',
    );
    const big = JSON.stringify({ login: 'x', password: 'y', pad: 'p'.repeat(MIB) });
    const bomb = JSON.stringify({
      content: 'x',
      clientId: randomUUID(),
      pad: ' '.repeat(10 * MIB),
    });
    const cases: [string, string, Parameters<typeof http>[2]][] = [
      [
        'login 1 MiB',
        '/api/auth/login',
        { raw: big, headers: { 'content-type': 'application/json' } },
      ],
      [
        'register 1 MiB',
        '/api/auth/register',
        { raw: big, headers: { 'content-type': 'application/json' } },
      ],
      [
        'message 1 MiB',
        `/api/chats/${GLOBAL_CHAT_ID}/messages`,
        { token: user.token, raw: big, headers: { 'content-type': 'application/json' } },
      ],
      [
        'login 1 MiB chunked',
        '/api/auth/login',
        {
          raw: big,
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
      ],
      [
        'message gzip bomb',
        `/api/chats/${GLOBAL_CHAT_ID}/messages`,
        {
          token: user.token,
          raw: gzipSync(bomb),
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        },
      ],
      [
        'login deflate bomb',
        '/api/auth/login',
        {
          raw: deflateSync(bomb),
          headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' },
        },
      ],
    ];
    for (const [label, path, options] of cases) {
      const res = await http(api, path, options);
      vector.saw(`${outcomeOf(res)}`, res.status === 413);
      vector.require(isApiError(res, 413, 'invalid'), describeExchange(label, res));
    }
    const textPlain = await http(api, `/api/chats/${GLOBAL_CHAT_ID}/messages`, {
      token: user.token,
      raw: 'p'.repeat(MIB),
      headers: { 'content-type': 'text/plain' },
    });
    vector.saw(`text/plain ${outcomeOf(textPlain)}`, textPlain.status >= 400);
    vector.require(isClientError(textPlain), describeExchange('1 MiB text/plain', textPlain));
    vector.require(await api.healthy(), 'the API is not healthy after the large bodies');
    vector.finish();
  });

  it('answers bodies that lie about their encoding or type as client errors, with no stack in the log', async () => {
    const api = getApi();
    const logBefore = (await api.log()).length;
    const body = JSON.stringify({ content: 'x', clientId: randomUUID() });
    const vector = new Vector(
      'Hostile input',
      'bodies that lie: Content-Encoding gzip, deflate, br on plain JSON (before and after auth); text/plain and form bodies',
      '400 / 415 invalid (ApiError), nothing stored, no error or stack in the log',
    );
    const cases: [string, string, Parameters<typeof http>[2], number][] = [];
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const headers = { 'content-type': 'application/json', 'content-encoding': encoding };
      cases.push(
        [`${encoding} login`, '/api/auth/login', { raw: body, headers }, 400],
        [
          `${encoding} message`,
          `/api/chats/${GLOBAL_CHAT_ID}/messages`,
          { token: user.token, raw: body, headers },
          400,
        ],
      );
    }
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      cases.push([
        type,
        `/api/chats/${GLOBAL_CHAT_ID}/messages`,
        { token: user.token, raw: body, headers: { 'content-type': type } },
        415,
      ]);
    }
    const before = (await history(api, user, GLOBAL_CHAT_ID)).length;
    for (const [label, path, options, status] of cases) {
      const res = await http(api, path, options);
      vector.saw(outcomeOf(res), res.status === status);
      vector.require(isApiError(res, status, 'invalid'), describeExchange(label, res));
    }
    vector.require(
      (await history(api, user, GLOBAL_CHAT_ID)).length === before,
      'a message was stored from a body that lied',
    );
    const logged = (await api.log()).slice(logBefore);
    // A stack frame, in a plain log line or inside a JSON one.
    const stack = /(\n|\\n)\s+at .+\(.+:\d+:\d+\)/.exec(logged);
    vector.require(!stack, `the log has a stack: ${logged.slice(0, 300)}`);
    vector.finish();
  });

  it('refuses deeply nested JSON bodies within the size limit as invalid, not as a server error', async () => {
    const api = getApi();
    const vector = new Vector(
      'Hostile input',
      'deeply nested JSON under 64 KB: 20000-deep arrays and 6000-deep objects in login (before auth), messages and message:send',
      '400 invalid, never 500',
    );
    const arrays = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const objects = `${'{"a":'.repeat(6_000)}1${'}'.repeat(6_000)}`;
    const bodies: [string, string, string | undefined][] = [
      ['login arrays', `{"login":${arrays},"password":"x"}`, undefined],
      ['login objects', `{"login":"a","password":"x","extra":${objects}}`, undefined],
      ['message arrays', `{"content":${arrays},"clientId":"${randomUUID()}"}`, user.token],
      [
        'message objects',
        `{"content":"x","clientId":"${randomUUID()}","extra":${objects}}`,
        user.token,
      ],
    ];
    for (const [label, raw, token] of bodies) {
      const path = token ? `/api/chats/${GLOBAL_CHAT_ID}/messages` : '/api/auth/login';
      const res = await http(api, path, {
        raw,
        token,
        headers: { 'content-type': 'application/json' },
      });
      vector.saw(outcomeOf(res), isClientError(res));
      vector.require(
        isApiError(res, 400, 'invalid'),
        describeExchange(`${label} (${raw.length} bytes)`, res),
      );
    }
    // Over a raw WebSocket: socket.io-client itself cannot encode such a payload.
    const raw = await RawEngineSocket.open(api);
    await raw.connectNamespace({ token: user.token });
    for (const [label, payload] of [
      ['arrays', arrays],
      ['objects', `{"chatId":"all","content":"x","clientId":"${randomUUID()}","extra":${objects}}`],
    ]) {
      const from = raw.frames.length;
      raw.send(`427["message:send",${payload}]`);
      const answer = await raw.waitFor(
        (f) => typeof f === 'string' && f.startsWith('437'),
        4_000,
        from,
      );
      const ack =
        typeof answer === 'string' ? (JSON.parse(answer.slice(3)) as [AckResult])[0] : 'timeout';
      vector.saw(ackOutcome(ack), isAckError(ack, 'invalid'));
      vector.require(isAckError(ack, 'invalid'), `socket, deep ${label} → ${JSON.stringify(ack)}`);
    }
    vector.finish();
  });

  it('closes a socket that sends a 1 MB frame, and survives', async () => {
    const api = getApi();
    const bystander = await registerUser(api);
    const calm = await connectSocket(api, bystander.token);
    const vector = new Vector(
      'Hostile input',
      '1 MiB Socket.IO frames: authenticated websocket and polling clients, a raw WebSocket before any handshake; a 60 KB frame (under the cap)',
      'the sender’s connection closed by the server; others unaffected; 60 KB → ack invalid',
    );
    for (const transport of ['websocket', 'polling'] as const) {
      const socket = openSocket(api, { token: user.token, transports: [transport] });
      await handshake(socket);
      const closed = disconnection(socket, 5_000);
      const ack = emitAck(
        socket,
        'message:send',
        [{ chatId: GLOBAL_CHAT_ID, content: 'x'.repeat(MIB), clientId: randomUUID() }],
        5_000,
      );
      const reason = await closed;
      const result: AckResult = await ack;
      vector.saw(`${transport}: ${reason ?? 'still open'}`, reason !== null);
      vector.require(
        reason !== null,
        `${transport}: the socket is still open after a 1 MiB frame (${ackOutcome(result)})`,
      );
      vector.require(
        typeof result === 'string',
        `${transport}: the 1 MiB frame was answered ${JSON.stringify(result).slice(0, 100)}`,
      );
    }
    const raw = await RawEngineSocket.open(api);
    raw.send(`42["message:send",{"content":"${'x'.repeat(MIB)}"}]`);
    const rawClosed = await raw.closedByServer(5_000);
    vector.saw(
      `raw websocket: ${rawClosed ? `closed (${raw.closeCode})` : 'still open'}`,
      rawClosed,
    );
    vector.require(rawClosed, 'the raw WebSocket is still open after a 1 MiB frame');
    const under = await connectSocket(api, user.token);
    const underAck = await emitAck(under, 'message:send', [
      { chatId: GLOBAL_CHAT_ID, content: 'x'.repeat(60_000), clientId: randomUUID() },
    ]);
    vector.saw(`60 KB: ${ackOutcome(underAck)}`, isAckError(underAck, 'invalid'));
    vector.require(
      isAckError(underAck, 'invalid') && under.connected,
      `60 KB frame → ${JSON.stringify(underAck)}`,
    );
    vector.require(await api.healthy(), 'the API is not healthy');
    vector.require(api.running, 'the API exited');
    const stillOk = await emitAck(calm, 'typing', [{ chatId: GLOBAL_CHAT_ID, isTyping: false }]);
    vector.require(
      calm.connected && typeof stillOk !== 'string' && stillOk.ok,
      `a bystander’s socket: ${JSON.stringify(stillOk)}`,
    );
    vector.finish();
  });

  it('answers NUL bytes in text fields as invalid input, not as a server error', async () => {
    const api = getApi();
    const socket = await connectSocket(api, user.token);
    const vector = new Vector(
      'Hostile input',
      'NUL (U+0000) in message content (REST, socket), the user search and the full name at sign-up',
      '400 / ack invalid (or accepted with the NUL removed); never 500',
    );
    const rest: [string, () => Promise<HttpResult>][] = [
      ['POST message content', () => postMessage('before\u0000after')],
      [
        'GET /api/users?search=%00',
        () => http(api, '/api/users?search=%00', { token: user.token }),
      ],
      [
        'register fullName',
        () =>
          http(api, '/api/auth/register', {
            json: { login: uniqueLogin(), fullName: 'Nul\u0000Name', password: uniquePassword() },
          }),
      ],
    ];
    for (const [label, send] of rest) {
      const res = await send();
      vector.saw(outcomeOf(res), res.status < 500);
      const fine =
        isClientError(res) ||
        ((res.status === 200 || res.status === 201) && !res.text.includes('\\u0000'));
      vector.require(fine, describeExchange(label, res));
    }
    const ack = await emitAck(socket, 'message:send', [
      { chatId: GLOBAL_CHAT_ID, content: 'before\u0000after', clientId: randomUUID() },
    ]);
    vector.saw(
      ackOutcome(ack),
      typeof ack !== 'string' && !ack.ok && ack.error.code !== 'unavailable',
    );
    vector.require(
      isAckError(ack, 'invalid') ||
        (typeof ack !== 'string' && ack.ok && !(ack.data as Message).content.includes('\u0000')),
      `socket content with NUL → ${JSON.stringify(ack)}`,
    );
    vector.finish();
  });

  it('stores other control characters and odd Unicode as plain text, without server errors', async () => {
    const api = getApi();
    const samples = [
      'bell\u0007 escape\u001b[31mred\u001b[0m',
      'rtl \u202egnp.exe',
      'lone \ud800 surrogate',
      '\ufeffbom',
      'zero\u200bwidth',
      '<script>alert(1)</script>',
      "'; DROP TABLE messages; --",
      '{{constructor.constructor("alert(1)")()}}',
      '\r\n[Nest] 1 - ERROR forged log line',
    ];
    const vector = new Vector(
      'Hostile input',
      `${samples.length} odd contents: control characters, ANSI escapes, RTL override, lone surrogate, BOM, HTML/SQL/template injection, CRLF log forging`,
      '201 and stored as sent, trimmed (a lone surrogate may become U+FFFD); never 500',
    );
    for (const content of samples) {
      const res = await postMessage(content);
      vector.saw(outcomeOf(res), res.status >= 400);
      const stored = (res.body as Message | undefined)?.content;
      const expected = content.trim();
      const same = stored === expected || stored === expected.replace(/[\ud800-\udfff]/g, '\ufffd');
      vector.require(
        res.status === 201 && same,
        describeExchange(`content ${JSON.stringify(content)}`, res),
      );
    }
    const log = await api.log();
    vector.require(!log.includes('forged log line'), 'a message content reached the API log');
    vector.finish();
  });

  it('answers message ids beyond the bigint range as invalid, not as a server error', async () => {
    const api = getApi();
    const socket = await connectSocket(api, user.token);
    const ids = ['9223372036854775808', '9999999999999999999'];
    const vector = new Vector(
      'Hostile input',
      'message ids past 2^63-1 (still matching the id pattern) as before/after cursors and read marks, REST and socket',
      '400 / ack invalid, never 500',
    );
    for (const id of ids) {
      for (const query of [`before=${id}`, `after=${id}`]) {
        const res = await http(api, `/api/chats/${GLOBAL_CHAT_ID}/messages?${query}`, {
          token: user.token,
        });
        vector.saw(outcomeOf(res), isClientError(res));
        vector.require(
          isApiError(res, 400, 'invalid'),
          describeExchange(`GET history ?${query}`, res),
        );
      }
      const read = await http(api, `/api/chats/${GLOBAL_CHAT_ID}/read`, {
        token: user.token,
        json: { upToId: id },
      });
      vector.saw(outcomeOf(read), isClientError(read));
      vector.require(isApiError(read, 400, 'invalid'), describeExchange(`POST read ${id}`, read));
      for (const [event, payload] of [
        ['chat:history', { chatId: GLOBAL_CHAT_ID, before: id }],
        ['chat:read', { chatId: GLOBAL_CHAT_ID, upToId: id }],
      ] as const) {
        const ack = await emitAck(socket, event, [payload]);
        vector.saw(ackOutcome(ack), isAckError(ack, 'invalid'));
        vector.require(isAckError(ack, 'invalid'), `${event} ${id} → ${JSON.stringify(ack)}`);
      }
    }
    vector.finish();
  });

  it('is not polluted by __proto__ or constructor keys in bodies and payloads', async () => {
    const api = getApi();
    const socket = await connectSocket(api, user.token);
    const marker = `POLLUTED-${randomUUID()}`;
    const proto = `{"content":"${marker}","chatId":"all","clientId":"${randomUUID()}","isAdmin":true}`;
    const vector = new Vector(
      'Hostile input',
      '__proto__ and constructor.prototype keys in REST bodies (register, login, messages, chats, read) and socket payloads',
      'refused (400 / ack invalid) or ignored; nothing inherited becomes data',
    );
    const rest: [string, string, string | undefined][] = [
      [
        '/api/auth/register',
        `{"login":"${uniqueLogin()}","fullName":"P","password":"${uniquePassword()}","__proto__":${proto}}`,
        undefined,
      ],
      [
        '/api/auth/login',
        `{"__proto__":{"login":"${user.login}","password":"${user.password}"}}`,
        undefined,
      ],
      [
        `/api/chats/${GLOBAL_CHAT_ID}/messages`,
        `{"clientId":"${randomUUID()}","__proto__":${proto}}`,
        user.token,
      ],
      [
        `/api/chats/${GLOBAL_CHAT_ID}/messages`,
        `{"clientId":"${randomUUID()}","constructor":{"prototype":${proto}}}`,
        user.token,
      ],
      ['/api/chats', `{"__proto__":{"peerId":"${user.id}"}}`, user.token],
      [`/api/chats/${GLOBAL_CHAT_ID}/read`, `{"__proto__":{"upToId":"1"}}`, user.token],
    ];
    for (const [path, raw, token] of rest) {
      const res = await http(api, path, {
        raw,
        token,
        headers: { 'content-type': 'application/json' },
      });
      vector.saw(outcomeOf(res), res.status >= 400);
      const leakedLogin = path === '/api/auth/login' && res.status === 200;
      vector.require(
        res.status < 500 && !leakedLogin,
        describeExchange(`POST ${path} ${raw.slice(0, 80)}`, res),
      );
    }
    for (const raw of [
      `{"clientId":"${randomUUID()}","__proto__":${proto}}`,
      `{"constructor":{"prototype":${proto}}}`,
    ]) {
      const ack = await emitAck(socket, 'message:send', [JSON.parse(raw)]);
      vector.saw(ackOutcome(ack), typeof ack !== 'string' && !ack.ok);
      vector.require(
        isAckError(ack, 'invalid'),
        `socket ${raw.slice(0, 60)} → ${JSON.stringify(ack)}`,
      );
    }
    // Afterwards: a body missing its fields is still refused, and nothing carries the marker.
    const empty = await http(api, `/api/chats/${GLOBAL_CHAT_ID}/messages`, {
      token: user.token,
      json: {},
    });
    vector.require(
      isApiError(empty, 400, 'invalid'),
      describeExchange('an empty body afterwards', empty),
    );
    const me = await http(api, '/api/users/me', { token: user.token });
    vector.require(
      !me.text.includes('isAdmin') && !me.text.includes(marker),
      describeExchange('GET /api/users/me', me),
    );
    const stored = await history(api, user, GLOBAL_CHAT_ID);
    vector.require(
      !stored.some((m) => m.content.includes(marker)),
      'a message made of inherited fields was stored',
    );
    vector.finish();
  });

  it('refuses query-string tricks', async () => {
    const api = getApi();
    const queries = [
      '/api/users?limit=1&limit=2',
      '/api/users?search[$ne]=x',
      '/api/users?search=a&search=b',
      '/api/users?__proto__[limit]=1000',
      '/api/users?limit=1e400',
      `/api/chats/${GLOBAL_CHAT_ID}/messages?limit=0x10`,
      `/api/chats/${GLOBAL_CHAT_ID}/messages?limit=1e1`,
      `/api/chats/${GLOBAL_CHAT_ID}/messages?limit=%2010`,
      `/api/chats/${GLOBAL_CHAT_ID}/messages?before=1&before=2`,
      `/api/chats/${GLOBAL_CHAT_ID}/messages?before=-1`,
      `/api/chats/${GLOBAL_CHAT_ID}/messages?after=01`,
    ];
    const vector = new Vector(
      'Hostile input',
      `${queries.length} query-string tricks: repeated keys, bracket objects, __proto__, hex, exponent, space-padded and huge numbers`,
      '400 invalid (or an unknown parameter ignored), never 500; a number not in decimal digits is 400',
    );
    for (const path of queries) {
      const res = await http(api, path, { token: user.token });
      vector.saw(outcomeOf(res), res.status >= 400);
      vector.require(
        res.status < 500 && (res.status === 200 || isApiError(res, 400, 'invalid')),
        describeExchange(path, res),
      );
      if (/limit=(0x|1e|%20)/.test(path)) {
        vector.require(
          isApiError(res, 400, 'invalid'),
          `${describeExchange(path, res)}: not decimal`,
        );
      }
      if (res.status === 200 && path.includes('__proto__')) {
        vector.require(
          Array.isArray(res.body) && (res.body as unknown[]).length <= LIMITS.usersMax,
          'limit was overridden',
        );
      }
    }
    vector.finish();
  });

  itKeepsSecretsOutOfTheLog(getApi, 'hostile-input');
});
