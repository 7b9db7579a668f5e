import { GLOBAL_CHAT_ID } from '@chat/shared-types';
import { RedisServer, startTestApi } from '@chat/test-harness';
import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_TEST_ENV, SecurityApi } from './support/api';
import { describeExchange, http, isApiError, outcomeOf } from './support/http';
import { LeakDetector } from './support/leaks';
import { itKeepsSecretsOutOfTheLog } from './support/log-check';
import { Vector } from './support/report';
import {
  ackOutcome,
  connectSocket,
  disconnection,
  emitAck,
  isAckError,
  recordEvents,
  sleep,
} from './support/sockets';
import { openDirectChat, registerUser, uniquePassword } from './support/users';

const FAILED_LOGIN_LIMIT = 10;
const MESSAGE_BURST = 60;
const MESSAGE_RATE = 10;

/**
 * Two instances of one deployment (same database, same JWT secret, one Redis): the limits,
 * revocation and room isolation must hold across them, not per process.
 */
describe('Two instances behind one Redis', () => {
  let redis: RedisServer | null = null;
  let first: SecurityApi | null = null;
  let second: SecurityApi | null = null;
  const a = () => {
    if (!first) throw new Error('the first instance did not start');
    return first;
  };
  const b = () => {
    if (!second) throw new Error('the second instance did not start');
    return second;
  };

  beforeAll(async () => {
    redis = await RedisServer.start('security-cluster');
    const env = {
      ...DEFAULT_TEST_ENV,
      REDIS_URL: redis.url,
      JWT_SECRET: randomBytes(32).toString('hex'),
    };
    first = new SecurityApi(await startTestApi({ name: 'security-cluster-a', env }));
    const database = first.run.database;
    if (!database)
      throw new Error('two instances need the local PostgreSQL (not the embedded one)');
    second = new SecurityApi(
      await startTestApi({ name: 'security-cluster-b', env, database }),
      first.secrets,
    );
  }, 120_000);

  afterAll(async () => {
    await second?.run.cleanUp();
    await first?.run.cleanUp();
    await redis?.destroy();
  }, 60_000);

  it('counts failed logins for one login from one address across both instances', async () => {
    const user = await registerUser(a());
    const vector = new Vector(
      'Throttling',
      `two instances: ${FAILED_LOGIN_LIMIT} wrong passwords for one login from one address alternating between them, then one more on each`,
      `401 ×${FAILED_LOGIN_LIMIT}, then 429 on both`,
    );
    for (let i = 0; i < FAILED_LOGIN_LIMIT + 2; i++) {
      const api = i % 2 === 0 ? a() : b();
      const res = await http(api, '/api/auth/login', {
        json: { login: user.login, password: uniquePassword() },
        from: '127.0.9.1',
      });
      vector.saw(`${i % 2 === 0 ? 'A' : 'B'} ${outcomeOf(res)}`, res.status === 429);
      const expected = i < FAILED_LOGIN_LIMIT ? 401 : 429;
      vector.require(res.status === expected, describeExchange(`attempt ${i + 1}`, res));
    }
    vector.finish();
  });

  it('shares one message allowance per user across both instances', async () => {
    const user = await registerUser(a());
    const peer = await registerUser(a());
    const chat = (await openDirectChat(a(), user, peer)).id;
    const onA = await connectSocket(a(), user.token);
    const onB = await connectSocket(b(), user.token);
    const each = 100;
    const vector = new Vector(
      'Throttling',
      `two instances: one user sends ${each} messages at once on each (${2 * each} in all)`,
      `about ${MESSAGE_BURST} accepted in all, the rest ack rate_limited`,
    );
    const started = performance.now();
    const acks = await Promise.all(
      [onA, onB].flatMap((socket) =>
        Array.from({ length: each }, (_, i) =>
          emitAck(
            socket,
            'message:send',
            [{ chatId: chat, content: `both ${i}`, clientId: randomUUID() }],
            15_000,
          ),
        ),
      ),
    );
    const elapsed = (performance.now() - started) / 1000;
    for (const ack of acks) {
      vector.saw(ackOutcome(ack), isAckError(ack, 'rate_limited'));
      vector.require(
        (typeof ack !== 'string' && ack.ok) || isAckError(ack, 'rate_limited'),
        JSON.stringify(ack),
      );
    }
    const accepted = acks.filter((ack) => typeof ack !== 'string' && ack.ok).length;
    const allowed = MESSAGE_BURST + Math.ceil(MESSAGE_RATE * elapsed) + 2;
    vector.require(
      accepted <= allowed,
      `${accepted} of ${2 * each} accepted in ${elapsed.toFixed(1)} s (allowed ${allowed}): each instance counts on its own`,
    );
    vector.figure = `${accepted} accepted in ${elapsed.toFixed(1)} s`;
    vector.finish();
  });

  it('revokes a session on both instances at logout', async () => {
    const user = await registerUser(a());
    const socketOnB = await connectSocket(b(), user.token);
    const vector = new Vector(
      'Tokens',
      'two instances: logout on A with the session’s socket open on B, then the token on B',
      'the socket on B closed at once; 401 on B',
    );
    const started = performance.now();
    const closed = disconnection(socketOnB, 3_000);
    const out = await http(a(), '/api/auth/logout', { method: 'POST', token: user.token });
    vector.require(out.status === 204, describeExchange('logout on A', out));
    const reason = await closed;
    const latency = performance.now() - started;
    vector.saw(reason ? `socket on B: ${reason}` : 'socket on B still open', reason !== null);
    vector.require(reason !== null, 'the socket on B is still connected 3 s after the logout on A');
    const res = await http(b(), '/api/users/me', { token: user.token });
    vector.saw(`B ${outcomeOf(res)}`, res.status === 401);
    vector.require(
      isApiError(res, 401, 'unauthorized'),
      describeExchange('GET /api/users/me on B', res),
    );
    vector.figure = `closed ${Math.round(latency)} ms after the logout request`;
    vector.finish();
  });

  it('keeps a direct chat private across instances', async () => {
    const [alice, bob, spy] = [
      await registerUser(a()),
      await registerUser(a()),
      await registerUser(a()),
    ];
    const dm = (await openDirectChat(a(), alice, bob)).id;
    const spySocket = await connectSocket(b(), spy.token);
    const heard = recordEvents(spySocket);
    const bobSocket = await connectSocket(b(), bob.token);
    const bobHeard = recordEvents(bobSocket);
    const aliceSocket = await connectSocket(a(), alice.token);
    const vector = new Vector(
      'Authorization',
      'two instances: a non-member listening on B while the members talk on A and B (messages, typing, read)',
      "no event of the members' chat on B; the member on B hears it",
    );
    const secret = `CANARY-cluster-${randomUUID()}`;
    const sent = await emitAck(aliceSocket, 'message:send', [
      { chatId: dm, content: secret, clientId: randomUUID() },
    ]);
    await emitAck(aliceSocket, 'typing', [{ chatId: dm, isTyping: true }]);
    if (typeof sent !== 'string' && sent.ok) {
      await emitAck(bobSocket, 'chat:read', [
        { chatId: dm, upToId: (sent.data as { id: string }).id },
      ]);
    }
    const control = `control-${randomUUID()}`;
    await emitAck(aliceSocket, 'message:send', [
      { chatId: GLOBAL_CHAT_ID, content: control, clientId: randomUUID() },
    ]);
    await sleep(500);
    const detector = new LeakDetector([secret, dm], false);
    for (const event of heard) {
      vector.saw(event.event, false);
      if (detector.find(event.args).length > 0)
        vector.leak(`${event.event} ${JSON.stringify(event.args).slice(0, 160)}`);
    }
    vector.require(
      heard.some((e) => JSON.stringify(e.args).includes(control)),
      'control: the spy on B did not hear the shared chat across instances',
    );
    vector.require(
      bobHeard.some((e) => JSON.stringify(e.args).includes(secret)),
      'control: the member on B did not hear the message sent on A',
    );
    vector.finish();
  });

  itKeepsSecretsOutOfTheLog(a, 'cluster (instance A)');
  itKeepsSecretsOutOfTheLog(b, 'cluster (instance B)');
});
