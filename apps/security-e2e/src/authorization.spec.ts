import {
  GLOBAL_CHAT_ID,
  HANDSHAKE_UNAUTHORIZED,
  type Chat,
  type Message,
} from '@chat/shared-types';
import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { useApi, type SecurityApi } from './support/api';
import { describeExchange, http, isApiError, outcomeOf, type HttpResult } from './support/http';
import { decodeClaims, nowSeconds, randomSecret, signJwt, unsignedJwt } from './support/jwt';
import { LeakDetector } from './support/leaks';
import { itKeepsSecretsOutOfTheLog } from './support/log-check';
import { RawEngineSocket } from './support/raw-socket';
import { Vector } from './support/report';
import {
  ackOutcome,
  connectSocket,
  emitAck,
  handshake,
  isAckError,
  openSocket,
  recordEvents,
  sleep,
  type AckResult,
} from './support/sockets';
import {
  history,
  listChats,
  login,
  logout,
  openDirectChat,
  postMessage,
  registerUser,
  uniqueTag,
  type TestUser,
} from './support/users';

interface Route {
  label: string;
  path: string;
  method: 'GET' | 'POST';
  json?: unknown;
}

/** The REST routes that name a chat, for one chat id. */
function chatRoutes(chatId: string): Route[] {
  const id = encodeURIComponent(chatId);
  const shown = JSON.stringify(chatId);
  return [
    { label: `GET messages of ${shown}`, method: 'GET', path: `/api/chats/${id}/messages` },
    {
      label: `POST message to ${shown}`,
      method: 'POST',
      path: `/api/chats/${id}/messages`,
      json: { content: `intruder ${randomUUID()}`, clientId: randomUUID() },
    },
    {
      label: `POST read of ${shown}`,
      method: 'POST',
      path: `/api/chats/${id}/read`,
      json: { upToId: '1' },
    },
  ];
}

/** The socket events that name a chat, for one chat id. */
function chatEvents(chatId: string): [string, Record<string, unknown>][] {
  return [
    ['message:send', { chatId, content: `intruder ${randomUUID()}`, clientId: randomUUID() }],
    ['chat:history', { chatId }],
    ['chat:read', { chatId, upToId: '1' }],
    ['typing', { chatId, isTyping: true }],
  ];
}

const send = (api: SecurityApi, route: Route, headers: OutgoingHttpHeaders) =>
  http(api, route.path, { method: route.method, json: route.json, headers });

describe('Authorization: identities, membership and ids', () => {
  const getApi = useApi('authorization', {
    // The send limit is probed elsewhere; here it must not answer before the membership check.
    MESSAGE_RATE: '100000',
    MESSAGE_BURST: '100000',
  });

  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  /** The victims' direct chat. */
  let dm: string;
  let canaries: string[];
  /** Canaries, names and logins: nothing of it may reach a denied caller. */
  let denialLeaks: LeakDetector;
  /** Canaries and the chat id: what listings (which legitimately show people) must not hold. */
  let listingLeaks: LeakDetector;
  let aliceClaims: { sub: string; sid: string; exp: number };
  let revokedToken: string;
  let userRoutes: Route[];

  beforeAll(async () => {
    const api = getApi();
    const tag = uniqueTag();
    alice = await registerUser(api, { fullName: `Victim Alice ${tag}` });
    bob = await registerUser(api, { fullName: `Victim Bob ${tag}` });
    mallory = await registerUser(api, { fullName: `Mallory ${tag}` });
    dm = (await openDirectChat(api, alice, bob)).id;
    // Mallory has a chat of her own with Alice: a member of chats, just not of this one.
    await openDirectChat(api, mallory, alice);
    canaries = [0, 1, 2, 3].map((i) => `CANARY-${tag}-${i}`);
    for (const [i, canary] of canaries.entries()) {
      await postMessage(api, i % 2 === 0 ? alice : bob, dm, canary);
    }
    denialLeaks = new LeakDetector([
      ...canaries,
      alice.login,
      bob.login,
      alice.fullName,
      bob.fullName,
    ]);
    listingLeaks = new LeakDetector([...canaries, dm], false);
    const claims = decodeClaims(alice.token);
    aliceClaims = {
      sub: String(claims['sub']),
      sid: String(claims['sid']),
      exp: Number(claims['exp']),
    };
    revokedToken = await login(api, alice);
    await logout(api, revokedToken);
    userRoutes = [
      { label: 'GET /api/users/me', method: 'GET', path: '/api/users/me' },
      { label: 'GET /api/users', method: 'GET', path: '/api/users' },
      {
        label: 'GET /api/users?search=<victim>',
        method: 'GET',
        path: `/api/users?search=${alice.login}`,
      },
      { label: 'GET /api/chats', method: 'GET', path: '/api/chats' },
      {
        label: 'POST /api/chats {peerId: victim}',
        method: 'POST',
        path: '/api/chats',
        json: { peerId: alice.id },
      },
      { label: 'POST /api/auth/logout', method: 'POST', path: '/api/auth/logout' },
    ];
  });

  /** Checks a denial: the exact ApiError, one of the allowed statuses, and nothing leaked. */
  function judgeRest(
    vector: Vector,
    request: string,
    res: HttpResult,
    allowed: [number, string][],
  ): void {
    const right = allowed.some(([status, code]) => isApiError(res, status, code));
    vector.saw(outcomeOf(res), res.status >= 400 && res.status < 500);
    vector.require(
      right,
      `${describeExchange(request, res)} (expected ${allowed.map((a) => a.join(' ')).join(' or ')})`,
    );
    for (const found of denialLeaks.find(res.text)) {
      vector.leak(`${request}: the answer holds ${found}`);
    }
  }

  function judgeAck(vector: Vector, request: string, ack: AckResult, codes: string[]): void {
    const right = codes.some((code) => isAckError(ack, code));
    const isDenial = typeof ack !== 'string' && !ack.ok && ack.error.code !== 'unavailable';
    vector.saw(ackOutcome(ack), isDenial);
    vector.require(right, `${request} → ${JSON.stringify(ack)} (expected ack ${codes.join('/')})`);
    for (const found of denialLeaks.find(ack)) vector.leak(`${request}: the ack holds ${found}`);
  }

  describe('every broken identity is refused on every route and at the handshake', () => {
    interface Identity {
      name: string;
      /** Authorization header values (undefined: none sent). */
      headers: (string | undefined)[];
      /** Socket.IO handshake `auth` objects. */
      auth: Record<string, unknown>[];
    }

    const identities = (): Identity[] => {
      const secret = getApi().jwtSecret;
      const live = { sub: aliceClaims.sub, sid: aliceClaims.sid, exp: nowSeconds() + 3600 };
      const [header, , signature] = alice.token.split('.');
      const tampered = `${header}.${Buffer.from(
        JSON.stringify({ ...decodeClaims(alice.token), sub: bob.id }),
      ).toString('base64url')}.${signature}`;
      const bearer = (token: string) => `Bearer ${token}`;
      const tokens = (list: string[]) => ({
        headers: list.map(bearer),
        auth: list.map((token) => ({ token })),
      });
      return [
        { name: 'no token', headers: [undefined], auth: [{}] },
        {
          name: 'malformed token',
          headers: [
            'Bearer not-a-jwt',
            'Bearer ',
            'Bearer',
            `Basic ${Buffer.from(`${alice.login}:${alice.password}`).toString('base64')}`,
            alice.token,
            `Token ${alice.token}`,
            'Bearer a.b.c',
            bearer(alice.token.slice(0, -3)),
            bearer(tampered),
            bearer(`${alice.token}.extra`),
          ],
          auth: [
            { token: 'not-a-jwt' },
            { token: '' },
            { token: 12345 },
            { token: [alice.token] },
            { token: { toString: alice.token } },
            { token: bearer(alice.token) },
            { token: alice.token.slice(0, -3) },
            { token: tampered },
            { accessToken: alice.token },
          ],
        },
        {
          name: '`alg: none` (none, None, NONE, nOnE)',
          ...tokens(['none', 'None', 'NONE', 'nOnE'].map((alg) => unsignedJwt(live, alg))),
        },
        {
          name: 'signed with another key',
          ...tokens([signJwt(live, randomSecret()), signJwt(live, '')]),
        },
        {
          name: 'expired (right key, live session)',
          ...tokens([
            signJwt({ ...live, iat: nowSeconds() - 7200, exp: nowSeconds() - 60 }, secret),
          ]),
        },
        {
          name: 'without `exp` (right key, live session)',
          ...tokens([signJwt({ sub: live.sub, sid: live.sid, iat: nowSeconds() }, secret)]),
        },
        { name: 'logged-out session', ...tokens([revokedToken]) },
      ];
    };

    const identityNames = [
      'no token',
      'malformed token',
      '`alg: none` (none, None, NONE, nOnE)',
      'signed with another key',
      'expired (right key, live session)',
      'without `exp` (right key, live session)',
      'logged-out session',
    ];

    it.each(identityNames)('%s', async (name) => {
      const api = getApi();
      const identity = identities().find((candidate) => candidate.name === name);
      if (!identity) throw new Error(`no identity ${name}`);
      const routes = [...userRoutes, ...chatRoutes(dm), ...chatRoutes(GLOBAL_CHAT_ID)];
      const vector = new Vector(
        'Authorization',
        `${name}: ${routes.length} REST routes × ${identity.headers.length} and the Socket.IO handshake × ${identity.auth.length}`,
        '401 unauthorized; connect_error unauthorized',
      );
      for (const value of identity.headers) {
        if (value) api.remember(value.replace(/^\S+ /, ''));
        for (const route of routes) {
          const res = await send(api, route, value === undefined ? {} : { authorization: value });
          judgeRest(vector, `${route.label} with ${name}`, res, [[401, 'unauthorized']]);
        }
      }
      for (const auth of identity.auth) {
        const socket = openSocket(api, { auth });
        const events = recordEvents(socket);
        const outcome = await handshake(socket);
        const label = `handshake auth ${JSON.stringify(auth).slice(0, 60)}`;
        vector.saw(outcome.ok ? 'connected' : `connect_error ${outcome.error}`, !outcome.ok);
        vector.require(
          !outcome.ok && outcome.error === HANDSHAKE_UNAUTHORIZED,
          `${label} → ${JSON.stringify(outcome)}`,
        );
        for (const found of denialLeaks.find(events)) vector.leak(`${label}: events hold ${found}`);
        socket.disconnect();
      }
      vector.finish();
    });

    it('events pipelined behind a refused handshake are dropped', async () => {
      const api = getApi();
      const vector = new Vector(
        'Authorization',
        'events sent right behind a refused handshake (raw engine.io: 40{bad auth} then 42 events)',
        '44 unauthorized or the connection closed; no ack, no event',
      );
      const badAuths = [
        {},
        {
          token: unsignedJwt({
            sub: aliceClaims.sub,
            sid: aliceClaims.sid,
            exp: nowSeconds() + 60,
          }),
        },
        { token: revokedToken },
      ];
      for (const auth of badAuths) {
        const raw = await RawEngineSocket.open(api);
        raw.send(`40${JSON.stringify(auth)}`);
        chatEvents(dm).forEach(([event, payload], i) =>
          raw.send(`42${i + 1}${JSON.stringify([event, payload])}`),
        );
        const answer = await raw.waitFor((f) => typeof f === 'string' && /^4[04]/.test(f));
        await sleep(300);
        const closed = await raw.closedByServer(100);
        const acks = raw.frames.filter((f) => typeof f === 'string' && f.startsWith('43'));
        const refused =
          typeof answer === 'string'
            ? answer.startsWith('44') && answer.includes(HANDSHAKE_UNAUTHORIZED)
            : closed;
        // socket.io closes the connection on an event for a namespace it has not joined yet.
        vector.saw(
          typeof answer === 'string'
            ? `${answer.slice(0, 2)} ${closed ? '+ closed' : ''}`
            : closed
              ? 'connection closed'
              : 'no answer',
          refused,
        );
        vector.require(
          refused,
          `auth ${JSON.stringify(auth).slice(0, 40)} → ${String(answer)}, closed: ${closed}`,
        );
        vector.require(
          acks.length === 0,
          `events behind a refused handshake were answered: ${acks.join(' ')}`,
        );
        for (const found of denialLeaks.find(raw.frames.map(String)))
          vector.leak(`frames hold ${found}`);
        raw.close();
      }
      vector.finish();
    });
  });

  describe('a valid user who is not a member', () => {
    it("is refused the victims' chat on every REST route", async () => {
      const api = getApi();
      const vector = new Vector(
        'Authorization',
        "non-member → the victims' direct chat: history (plain, after=1, before=10^18, limit=100), send, read",
        '403 forbidden',
      );
      const id = encodeURIComponent(dm);
      const routes: Route[] = [
        ...chatRoutes(dm),
        { label: 'history after=1', method: 'GET', path: `/api/chats/${id}/messages?after=1` },
        {
          label: 'history before=10^18',
          method: 'GET',
          path: `/api/chats/${id}/messages?before=1000000000000000000`,
        },
        { label: 'history limit=100', method: 'GET', path: `/api/chats/${id}/messages?limit=100` },
      ];
      for (const route of routes) {
        const res = await http(api, route.path, {
          method: route.method,
          json: route.json,
          token: mallory.token,
        });
        judgeRest(vector, route.label, res, [[403, 'forbidden']]);
      }
      vector.finish();
    });

    it("is refused the victims' chat on every socket event", async () => {
      const api = getApi();
      const vector = new Vector(
        'Authorization',
        "non-member → the victims' direct chat: message:send, chat:history, chat:read, typing",
        'ack forbidden',
      );
      const socket = await connectSocket(api, mallory.token);
      for (const [event, payload] of chatEvents(dm)) {
        judgeAck(vector, `${event} ${dm}`, await emitAck(socket, event, [payload]), ['forbidden']);
      }
      vector.finish();
    });

    it('is refused every variant of the chat id (swapped, case, extra characters, look-alikes)', async () => {
      const api = getApi();
      const [a, b] = alice.id < bob.id ? [alice.id, bob.id] : [bob.id, alice.id];
      const up = (text: string) => text.toUpperCase();
      const variants = [
        `dm:${b}:${a}`,
        up(dm),
        `dm:${up(a)}:${up(b)}`,
        `dm:${up(a)}:${b}`,
        `${dm}:x`,
        `${dm}:${a}`,
        `dm::${a}:${b}`,
        `dm:${a}`,
        `dm:${b}`,
        `dm:${a}:`,
        `${dm} `,
        ` ${dm}`,
        `${dm}\t`,
        `${dm}\n`,
        `${dm}/`,
        `${dm}%`,
        `dm:%`,
        `dm:${a}:%`,
        '*',
        `${dm}' OR '1'='1`,
        `${dm}'--`,
        `../${dm}`,
        `${dm}/../${GLOBAL_CHAT_ID}`,
        dm.replace(/:/g, '\uFF1A'), // fullwidth colon
        dm.replace(/:/g, '\u2236'), // ratio
        dm.replace(/^dm/, '\uFF44\uFF4D'), // fullwidth dm
        dm.replace(/^d/, '\u0501'), // Cyrillic komi de
        dm.replace(/-/g, '\u2010'), // Unicode hyphen
        dm.replace(/0/g, '\uFF10'), // fullwidth zero
        `${dm.slice(0, 10)}\u200B${dm.slice(10)}`, // zero-width space
        `${dm}\u0301`, // combining acute accent
        `\u202E${dm}`, // right-to-left override
        'x'.repeat(201),
      ];
      const vector = new Vector(
        'Authorization',
        `non-member → ${variants.length} variants of the victims' chat id × (3 REST routes + 4 socket events)`,
        '403 forbidden or 400 invalid (REST and ack)',
      );
      const socket = await connectSocket(api, mallory.token);
      for (const variant of variants) {
        for (const route of chatRoutes(variant)) {
          const res = await http(api, route.path, {
            method: route.method,
            json: route.json,
            token: mallory.token,
          });
          judgeRest(vector, route.label, res, [
            [403, 'forbidden'],
            [400, 'invalid'],
            [404, 'not_found'],
          ]);
        }
        for (const [event, payload] of chatEvents(variant)) {
          const ack = await emitAck(socket, event, [payload]);
          judgeAck(vector, `${event} ${JSON.stringify(variant)}`, ack, ['forbidden', 'invalid']);
        }
      }
      const stored = await history(api, alice, dm);
      vector.require(
        stored.every((message) => message.senderId !== mallory.id),
        "a message of the attacker's reached the victims' chat",
      );
      vector.finish();
    });

    it('is refused a chat id that holds a NUL byte (answered as a denial, not a server error)', async () => {
      const api = getApi();
      const variants = [`${dm}\u0000`, `${GLOBAL_CHAT_ID}\u0000`, '\u0000'];
      const vector = new Vector(
        'Authorization',
        'chat id with a NUL byte (U+0000) × (3 REST routes + 4 socket events)',
        '403 forbidden or 400 invalid, never 500',
      );
      const socket = await connectSocket(api, mallory.token);
      for (const variant of variants) {
        for (const route of chatRoutes(variant)) {
          const res = await http(api, route.path, {
            method: route.method,
            json: route.json,
            token: mallory.token,
          });
          judgeRest(vector, route.label, res, [
            [403, 'forbidden'],
            [400, 'invalid'],
          ]);
        }
        for (const [event, payload] of chatEvents(variant)) {
          const ack = await emitAck(socket, event, [payload]);
          judgeAck(vector, `${event} ${JSON.stringify(variant)}`, ack, ['forbidden', 'invalid']);
        }
      }
      vector.finish();
    });

    it("sees nothing of the victims' chat in listings (chats, users, session, own chats)", async () => {
      const api = getApi();
      const vector = new Vector(
        'Authorization',
        'non-member listings: GET /api/chats, /api/users, /api/users?search, /api/users/me, socket session, chat:create with a victim',
        "200 without the victims' chat, messages or unread count",
      );
      const requests: [string, string][] = [
        ['GET /api/chats', '/api/chats'],
        ['GET /api/users', '/api/users'],
        ['GET /api/users?search=<alice>', `/api/users?search=${alice.login}`],
        ['GET /api/users?search=<bob>', `/api/users?search=${bob.login}`],
        ['GET /api/users?available=true', '/api/users?available=true'],
        ['GET /api/users/me', '/api/users/me'],
      ];
      for (const [label, path] of requests) {
        const res = await http(api, path, { token: mallory.token });
        vector.saw(outcomeOf(res), false);
        vector.require(res.status === 200, describeExchange(label, res));
        for (const found of listingLeaks.find(res.text)) vector.leak(`${label} holds ${found}`);
      }
      const socket = openSocket(api, { token: mallory.token });
      const events = recordEvents(socket);
      await handshake(socket);
      const created = await emitAck(socket, 'chat:create', [{ peerId: bob.id }]);
      vector.saw(ackOutcome(created), false);
      await sleep(200);
      for (const found of listingLeaks.find([created, events])) {
        vector.leak(`session/chat:create hold ${found}`);
      }
      const chats = await listChats(api, mallory);
      vector.require(
        !chats.some((chat) => chat.id === dm),
        "the victims' chat is in the attacker's list",
      );
      vector.finish();
    });

    it("hears nothing from the victims' chat while listening on a socket", async () => {
      const api = getApi();
      const vector = new Vector(
        'Authorization',
        'non-member socket listening while the victims send (socket and REST), type and read',
        "no event of the victims' chat",
      );
      const spy = await connectSocket(api, mallory.token);
      const heard = recordEvents(spy);
      const aliceSocket = await connectSocket(api, alice.token);
      const bobSocket = await connectSocket(api, bob.token);
      const bobHeard = recordEvents(bobSocket);
      const secret = `CANARY-live-${randomUUID()}`;
      const sent = await emitAck(aliceSocket, 'message:send', [
        { chatId: dm, content: secret, clientId: randomUUID() },
      ]);
      const viaRest = await postMessage(api, bob, dm, `${secret}-rest`);
      await emitAck(bobSocket, 'typing', [{ chatId: dm, isTyping: true }]);
      await emitAck(bobSocket, 'chat:read', [{ chatId: dm, upToId: viaRest.id }]);
      await emitAck(aliceSocket, 'chat:read', [{ chatId: dm, upToId: viaRest.id }]);
      // A control in the chat everyone shares: the spy does hear what it may hear.
      const control = `control-${randomUUID()}`;
      await emitAck(aliceSocket, 'message:send', [
        { chatId: GLOBAL_CHAT_ID, content: control, clientId: randomUUID() },
      ]);
      await sleep(500);
      const live = new LeakDetector([secret, dm, ...canaries], false);
      for (const event of heard) {
        const found = live.find(event.args);
        vector.saw(event.event, false);
        if (found.length > 0)
          vector.leak(`${event.event} ${JSON.stringify(event.args).slice(0, 200)}`);
      }
      vector.require(
        sent !== 'timeout' && sent !== 'disconnected' && sent.ok,
        `alice could not send: ${JSON.stringify(sent)}`,
      );
      vector.require(
        heard.some((e) => e.event === 'message:new' && JSON.stringify(e.args).includes(control)),
        "control: the spy did not even hear the shared chat's message",
      );
      vector.require(
        bobHeard.some((e) => e.event === 'message:new' && JSON.stringify(e.args).includes(secret)),
        'control: bob did not hear the message in his own chat',
      );
      vector.figure = `${heard.length} events heard, ${bobHeard.length} heard by a member`;
      vector.finish();
    });

    it('cannot send as someone else: a forged senderId/senderName is rejected or ignored', async () => {
      const api = getApi();
      const vector = new Vector(
        'Authorization',
        'forged sender in the payload (senderId, senderName, sender, userId) over REST and socket',
        '400/ack invalid, or stored with the real sender',
      );
      const socket = await connectSocket(api, mallory.token);
      const forgeries: Record<string, unknown>[] = [
        { senderId: alice.id },
        { senderName: alice.fullName },
        { sender: { id: alice.id } },
        { userId: alice.id },
        { senderId: alice.id, senderName: alice.fullName },
      ];
      const contents: string[] = [];
      for (const forged of forgeries) {
        const content = `forged-${randomUUID()}`;
        contents.push(content);
        const res = await http(api, `/api/chats/${GLOBAL_CHAT_ID}/messages`, {
          token: mallory.token,
          json: { content, clientId: randomUUID(), ...forged },
        });
        const accepted = res.status === 201 || res.status === 200;
        vector.saw(outcomeOf(res), !accepted);
        if (accepted) {
          const message = res.body as Message;
          vector.require(
            message.senderId === mallory.id && message.senderName === mallory.fullName,
            describeExchange(`REST ${JSON.stringify(forged)}`, res),
          );
        } else {
          vector.require(
            isApiError(res, 400, 'invalid'),
            describeExchange(`REST ${JSON.stringify(forged)}`, res),
          );
        }
        const socketContent = `forged-${randomUUID()}`;
        contents.push(socketContent);
        const ack = await emitAck(socket, 'message:send', [
          { chatId: GLOBAL_CHAT_ID, content: socketContent, clientId: randomUUID(), ...forged },
        ]);
        const ackAccepted = typeof ack !== 'string' && ack.ok;
        vector.saw(ackOutcome(ack), !ackAccepted);
        if (typeof ack !== 'string' && ack.ok) {
          const message = ack.data as Message;
          vector.require(
            message.senderId === mallory.id,
            `socket ${JSON.stringify(forged)} → ${JSON.stringify(ack)}`,
          );
        } else {
          vector.require(
            isAckError(ack, 'invalid'),
            `socket ${JSON.stringify(forged)} → ${JSON.stringify(ack)}`,
          );
        }
      }
      // Into the victims' chat, a forged sender does not make the attacker a member either.
      const intoDm = await emitAck(socket, 'message:send', [
        {
          chatId: dm,
          content: `forged-${randomUUID()}`,
          clientId: randomUUID(),
          senderId: alice.id,
        },
      ]);
      vector.saw(ackOutcome(intoDm), typeof intoDm !== 'string' && !intoDm.ok);
      vector.require(
        isAckError(intoDm, 'invalid') || isAckError(intoDm, 'forbidden'),
        `forged into the DM → ${JSON.stringify(intoDm)}`,
      );
      const stored = await history(api, alice, GLOBAL_CHAT_ID);
      for (const message of stored.filter((m) => contents.includes(m.content))) {
        vector.require(
          message.senderId === mallory.id,
          `stored as ${message.senderId}: ${message.content}`,
        );
      }
      vector.finish();
    });

    it('cannot make a second or non-canonical direct chat with a peerId variant', async () => {
      const api = getApi();
      const up = (text: string) => text.toUpperCase();
      const peer = await registerUser(api);
      const variants: [string, string][] = [
        ['peer id in upper case', up(peer.id)],
        ['peer id, first half upper case', `${up(peer.id.slice(0, 18))}${peer.id.slice(18)}`],
        ['own id in upper case (a chat with oneself)', up(mallory.id)],
        ['peer id without hyphens', peer.id.replace(/-/g, '')],
        ['peer id in braces', `{${peer.id}}`],
        ['peer id with a trailing space', `${peer.id} `],
        [
          'peer id with fullwidth digits',
          peer.id.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d))),
        ],
        ['peer id with a Unicode hyphen', peer.id.replace(/-/g, '\u2010')],
        ['peer id + extra character', `${peer.id}0`],
      ];
      const vector = new Vector(
        'Authorization',
        `POST /api/chats and chat:create with ${variants.length} peerId variants (case, hyphens, braces, look-alikes, own id)`,
        '400 invalid / 404, or the one canonical chat; never a second chat',
      );
      const socket = await connectSocket(api, mallory.token);
      const canonical = (await openDirectChat(api, mallory, peer)).id;
      const seenIds = new Set<string>();
      for (const [label, peerId] of variants) {
        const res = await http(api, '/api/chats', { token: mallory.token, json: { peerId } });
        const okRest = res.status === 200 || res.status === 201;
        vector.saw(outcomeOf(res), !okRest);
        if (okRest) seenIds.add((res.body as Chat).id);
        vector.require(
          !okRest || (res.body as Chat).id === canonical,
          describeExchange(`POST /api/chats (${label}) ${JSON.stringify(peerId)}`, res).slice(
            0,
            260,
          ),
        );
        const ack = await emitAck(socket, 'chat:create', [{ peerId }]);
        const okAck = typeof ack !== 'string' && ack.ok;
        vector.saw(ackOutcome(ack), !okAck);
        if (typeof ack !== 'string' && ack.ok) {
          const id = (ack.data as Chat).id;
          seenIds.add(id);
          vector.require(id === canonical, `chat:create (${label}) → chat ${id}`);
        }
      }
      const chats = await listChats(api, mallory);
      const direct = chats.filter((chat) => chat.kind === 'direct');
      const withPeer = direct.filter((chat) => chat.members.some((m) => m.id === peer.id));
      vector.require(
        withPeer.length === 1,
        `the attacker now has ${withPeer.length} direct chats with the peer: ${withPeer.map((c) => c.id).join(', ')}`,
      );
      const odd = direct.filter((chat) => chat.members.length !== 2);
      vector.require(
        odd.length === 0,
        `direct chats without two members: ${odd.map((c) => c.id).join(', ')}`,
      );
      vector.figure = `${seenIds.size} distinct chat ids answered`;
      vector.finish();
    });
  });

  it('refuses the `all` chat to a logged-out user, on REST and at the handshake', async () => {
    const api = getApi();
    const user = await registerUser(api);
    const token = await login(api, user);
    await logout(api, token);
    const vector = new Vector(
      'Authorization',
      'the `all` chat for a logged-out user: history, send, read, handshake',
      '401 unauthorized; connect_error unauthorized',
    );
    for (const route of chatRoutes(GLOBAL_CHAT_ID)) {
      const res = await http(api, route.path, { method: route.method, json: route.json, token });
      judgeRest(vector, route.label, res, [[401, 'unauthorized']]);
    }
    const socket = openSocket(api, { token });
    const outcome = await handshake(socket);
    vector.saw(outcome.ok ? 'connected' : `connect_error ${outcome.error}`, !outcome.ok);
    vector.require(
      !outcome.ok && outcome.error === HANDSHAKE_UNAUTHORIZED,
      `handshake → ${JSON.stringify(outcome)}`,
    );
    vector.finish();
  });

  itKeepsSecretsOutOfTheLog(getApi, 'authorization');
});
