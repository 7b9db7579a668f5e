import { itemAt } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { useApi } from './support/api';
import { describeExchange, http, isApiError, outcomeOf, type HttpResult } from './support/http';
import { itKeepsSecretsOutOfTheLog } from './support/log-check';
import { finishAll, Vector } from './support/report';
import { startFlooder } from './support/flooder';
import { ackOutcome, connectSocket, emitAck, sleep } from './support/sockets';
import { median, ms, percentile } from './support/stats';
import {
  openDirectChat,
  registerUser,
  uniqueLogin,
  uniquePassword,
  type TestUser,
} from './support/users';

/**
 * The API's defaults: RATE_LIMIT_LOGIN 10 per login and address per 15 min (×5 per address),
 * beyond 10 per login a wait of 0.5 s doubling every 10 more (at most 4 s); 30 sign-ups per hour.
 */
const FAILED_LOGIN_LIMIT = 10;
const LOGIN_DELAY_BASE_MS = 500;
const LOGIN_DELAY_MAX_MS = 4_000;
const ADDRESS_LOGIN_LIMIT = FAILED_LOGIN_LIMIT * 5;
const REGISTER_LIMIT = 30;
const MESSAGE_RATE = 10;
const MESSAGE_BURST = 60;
/** The one address the API trusts to set X-Forwarded-For in this file. */
const TRUSTED_PROXY = '127.0.0.2';

describe('Throttling', () => {
  // The API's own defaults for every limit; only the trusted proxy is set.
  const getApi = useApi('throttling', { TRUST_PROXY: TRUSTED_PROXY }, { defaults: false });

  const failLogin = (loginName: string, from: string, headers: Record<string, string> = {}) =>
    http(getApi(), '/api/auth/login', {
      json: { login: loginName, password: uniquePassword() },
      from,
      headers,
    });

  it('locks a stranger out of a colleague’s login, never the colleague signing in from their own address', async () => {
    const api = getApi();
    const target = await registerUser(api, { from: '127.0.1.9' });
    const attackers = ['127.0.1.1', '127.0.1.2'];
    const perAddress = FAILED_LOGIN_LIMIT + 2;
    const vector = new Vector(
      'Throttling',
      `lockout as a weapon: a stranger types ${perAddress} wrong passwords for a colleague’s login from each of ${attackers.length} addresses, then the colleague signs in from their own address`,
      `each stranger address: 401 ×${FAILED_LOGIN_LIMIT}, then 429 rate_limited with Retry-After (also for the right password); the colleague: 200, slowed at most ${LOGIN_DELAY_MAX_MS / 1000} s`,
    );
    const refusedAt: number[] = [];
    // The addresses attack at once; each one's attempts follow each other.
    await Promise.all(
      attackers.map(async (address) => {
        for (let i = 1; i <= perAddress; i++) {
          const res = await failLogin(target.login, address);
          vector.saw(outcomeOf(res), res.status === 429);
          if (i <= FAILED_LOGIN_LIMIT) {
            vector.require(
              isApiError(res, 401, 'unauthorized'),
              describeExchange(`${address} attempt ${i}`, res),
            );
            continue;
          }
          if (i === FAILED_LOGIN_LIMIT + 1) refusedAt.push(i);
          const retryAfter = Number(res.headers['retry-after']);
          vector.require(
            isApiError(res, 429, 'rate_limited') && retryAfter > 0 && retryAfter <= 900,
            describeExchange(
              `${address} attempt ${i} (Retry-After ${res.headers['retry-after']})`,
              res,
            ),
          );
        }
      }),
    );
    const stranger = await http(api, '/api/auth/login', {
      json: { login: target.login, password: target.password },
      from: itemAt(attackers, 0),
    });
    vector.saw(
      `right password from a locked address: ${outcomeOf(stranger)}`,
      stranger.status === 429,
    );
    vector.require(
      isApiError(stranger, 429, 'rate_limited'),
      describeExchange('the right password from a locked address', stranger),
    );
    const owner = await http(api, '/api/auth/login', {
      json: { login: target.login, password: target.password },
      from: '127.0.1.5',
    });
    api.remember((owner.body as { accessToken?: string } | undefined)?.accessToken);
    vector.saw(`the colleague: ${outcomeOf(owner)}`, owner.status !== 200);
    vector.require(owner.status === 200, describeExchange('the colleague, own address', owner));
    vector.require(
      owner.ms < LOGIN_DELAY_MAX_MS + 1_000,
      `the colleague waited ${ms(owner.ms)} (bound ${LOGIN_DELAY_MAX_MS} ms)`,
    );
    vector.figure = `429 from attempt ${refusedAt.join(', ')}; the colleague signed in in ${ms(owner.ms)}`;
    vector.finish();
  });

  it('keeps guessing one password expensive: parallel guesses from one address, and many addresses', async () => {
    const api = getApi();
    const target = await registerUser(api, { from: '127.0.1.9' });
    const burst = 60;
    const parallel = new Vector(
      'Throttling',
      `${burst} wrong passwords for one login sent at once from one address (race on the failed-login counter)`,
      `at most ${FAILED_LOGIN_LIMIT} evaluated (401), the rest 429`,
    );
    const answers = await Promise.all(
      Array.from({ length: burst }, () => failLogin(target.login, '127.0.6.1')),
    );
    for (const res of answers) {
      parallel.saw(outcomeOf(res), res.status === 429);
      parallel.require(
        isApiError(res, 401, 'unauthorized') || isApiError(res, 429, 'rate_limited'),
        describeExchange('concurrent attempt', res),
      );
    }
    const evaluated = answers.filter((res) => res.status === 401).length;
    parallel.figure = `${evaluated} password guesses evaluated (limit ${FAILED_LOGIN_LIMIT})`;
    parallel.require(
      evaluated <= FAILED_LOGIN_LIMIT,
      `${evaluated} of ${burst} concurrent guesses were checked against the password (401), limit ${FAILED_LOGIN_LIMIT}`,
    );

    // The login now has 10 failures: more from other addresses are slowed, more and more.
    const spread = new Vector(
      'Throttling',
      `guesses for that login from ${FAILED_LOGIN_LIMIT + 1} further addresses, ${FAILED_LOGIN_LIMIT} in parallel then one more (the login has ${FAILED_LOGIN_LIMIT} failures already)`,
      `each answered 401 only after a wait: ≥ ${LOGIN_DELAY_BASE_MS} ms, doubling every ${FAILED_LOGIN_LIMIT} failures of the login (at most ${LOGIN_DELAY_MAX_MS} ms)`,
    );
    const wave = await Promise.all(
      Array.from({ length: FAILED_LOGIN_LIMIT }, (_, i) =>
        failLogin(target.login, `127.0.7.${i + 1}`),
      ),
    );
    const next = await failLogin(target.login, '127.0.7.200');
    for (const res of [...wave, next]) {
      spread.saw(outcomeOf(res), false);
      spread.require(
        isApiError(res, 401, 'unauthorized') && res.ms >= LOGIN_DELAY_BASE_MS - 50,
        `${describeExchange('a guess from a fresh address', res)} in ${ms(res.ms)}`,
      );
    }
    spread.require(
      next.ms >= 2 * LOGIN_DELAY_BASE_MS - 50,
      `the guess after ${2 * FAILED_LOGIN_LIMIT} failures took ${ms(next.ms)}, not ≥ ${2 * LOGIN_DELAY_BASE_MS} ms`,
    );
    spread.figure = `wave p50 ${ms(median(wave.map((r) => r.ms)))}, the next guess ${ms(next.ms)}`;
    finishAll(parallel, spread);
  });

  it('stops failed logins from one client address (via the trusted proxy), not its neighbours', async () => {
    const api = getApi();
    const client = { 'x-forwarded-for': '203.0.113.7' };
    const vector = new Vector(
      'Throttling',
      `failed logins per client address: ${ADDRESS_LOGIN_LIMIT + 2} unknown logins from one client behind the trusted proxy; a neighbour behind the same proxy`,
      `401 ×${ADDRESS_LOGIN_LIMIT}, then 429; the neighbour 401/200`,
    );
    let firstRefusal = 0;
    for (let i = 1; i <= ADDRESS_LOGIN_LIMIT + 2; i++) {
      const res = await failLogin(uniqueLogin(), TRUSTED_PROXY, client);
      vector.saw(outcomeOf(res), res.status === 429);
      if (res.status === 429 && firstRefusal === 0) firstRefusal = i;
      const expected = i <= ADDRESS_LOGIN_LIMIT ? 401 : 429;
      vector.require(res.status === expected, describeExchange(`attempt ${i}`, res));
    }
    const neighbour = { 'x-forwarded-for': '203.0.113.8' };
    const failed = await failLogin(uniqueLogin(), TRUSTED_PROXY, neighbour);
    vector.require(failed.status === 401, describeExchange('neighbour, wrong password', failed));
    const user = await registerUser(api, { from: '127.0.1.9' });
    const ok = await http(api, '/api/auth/login', {
      json: { login: user.login, password: user.password },
      from: TRUSTED_PROXY,
      headers: neighbour,
    });
    vector.require(ok.status === 200, describeExchange('neighbour, right password', ok));
    vector.figure = `first 429 at attempt ${firstRefusal}`;
    vector.finish();
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const vector = new Vector(
      'Throttling',
      `failed logins from an untrusted peer (127.0.4.3) rotating X-Forwarded-For on every attempt (${ADDRESS_LOGIN_LIMIT + 2} attempts)`,
      `counted as one address: 429 after ${ADDRESS_LOGIN_LIMIT}`,
    );
    let firstRefusal = 0;
    for (let i = 1; i <= ADDRESS_LOGIN_LIMIT + 2; i++) {
      const spoofed = { 'x-forwarded-for': `198.51.100.${i}`, 'x-real-ip': `198.51.100.${i}` };
      const res = await failLogin(uniqueLogin(), '127.0.4.3', spoofed);
      vector.saw(outcomeOf(res), res.status === 429);
      if (res.status === 429 && firstRefusal === 0) firstRefusal = i;
      const expected = i <= ADDRESS_LOGIN_LIMIT ? 401 : 429;
      vector.require(res.status === expected, describeExchange(`attempt ${i}`, res));
    }
    vector.figure = `first 429 at attempt ${firstRefusal || 'never'}`;
    vector.finish();
  });

  it('limits registrations per address', async () => {
    const api = getApi();
    const vector = new Vector(
      'Throttling',
      `registrations from one address: ${REGISTER_LIMIT + 3} sign-ups; another address after (control)`,
      `201 ×${REGISTER_LIMIT}, then 429 rate_limited; other address 201`,
    );
    let firstRefusal = 0;
    for (let i = 1; i <= REGISTER_LIMIT + 3; i++) {
      const password = uniquePassword();
      api.remember(password);
      const res = await http(api, '/api/auth/register', {
        json: { login: uniqueLogin(), fullName: 'Sign-up flood', password },
        from: '127.0.3.1',
      });
      api.remember((res.body as { accessToken?: string } | undefined)?.accessToken);
      vector.saw(outcomeOf(res), res.status === 429);
      if (res.status === 429 && firstRefusal === 0) firstRefusal = i;
      if (i > REGISTER_LIMIT) {
        vector.require(isApiError(res, 429, 'rate_limited'), describeExchange(`sign-up ${i}`, res));
      } else {
        vector.require(res.status === 201, describeExchange(`sign-up ${i}`, res));
      }
    }
    const control = await registerUser(api, { from: '127.0.3.2' }).then(
      () => 'ok',
      (error: Error) => error.message,
    );
    vector.require(control === 'ok', `another address cannot register: ${control}`);
    vector.figure = `first 429 at sign-up ${firstRefusal || 'never'}`;
    vector.finish();
  });

  describe('message sends per user', () => {
    let floodUser: TestUser;
    let floodChat: string;
    let calm: TestUser;
    let calmChat: string;
    let calmSocket: Socket;

    beforeAll(async () => {
      const api = getApi();
      const [a, b, c, d] = [
        await registerUser(api, { from: '127.0.5.1' }),
        await registerUser(api, { from: '127.0.5.1' }),
        await registerUser(api, { from: '127.0.5.1' }),
        await registerUser(api, { from: '127.0.5.1' }),
      ];
      floodUser = a;
      floodChat = (await openDirectChat(api, a, b)).id;
      calm = c;
      calmChat = (await openDirectChat(api, c, d)).id;
    });

    /** `count` sends spaced `gapMs` apart (not waiting for each other): each one's ack latency. */
    async function calmSends(count: number, gapMs: number) {
      const sends: Promise<{ latency: number; at: number; failure?: string }>[] = [];
      for (let i = 0; i < count; i++) {
        const started = performance.now();
        sends.push(
          emitAck(calmSocket, 'message:send', [
            { chatId: calmChat, content: `calm ${i}`, clientId: randomUUID() },
          ]).then((ack) => ({
            latency: performance.now() - started,
            at: performance.now(),
            failure: typeof ack === 'string' || !ack.ok ? ackOutcome(ack) : undefined,
          })),
        );
        await sleep(gapMs);
      }
      const results = await Promise.all(sends);
      return {
        latencies: results.map((r) => r.latency),
        acked: results.map((r) => r.at),
        failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
      };
    }

    it('answers a burst of hundreds of sends with rate_limited, without slowing other users', async () => {
      const api = getApi();
      calmSocket = await connectSocket(api, calm.token);
      const burst = 500;
      const calmCount = 20;
      const vector = new Vector(
        'Throttling',
        `one user sends ${burst} messages at once over a socket (a separate process) while another sends ${calmCount}, 5 ms apart`,
        `about ${MESSAGE_BURST} ok, the rest ack rate_limited; the other user never limited, its ack latency not affected (p50 within 3× / +25 ms)`,
      );
      const flooder = await startFlooder(api, floodUser.token, floodChat, burst);
      // Warm-up, then the other user alone: the baseline.
      await calmSends(5, 5);
      const before = await calmSends(calmCount, 5);
      const flood = flooder.fire();
      const during = await calmSends(calmCount, 5);
      const result = await flood;
      for (const [outcome, count] of Object.entries(result.outcomes)) {
        for (let i = 0; i < count; i++) vector.saw(outcome, outcome === 'ack rate_limited');
        vector.require(
          outcome === 'ack ok' || outcome === 'ack rate_limited',
          `${count} flood acks were ${outcome}`,
        );
      }
      const accepted = result.outcomes['ack ok'] ?? 0;
      const allowed = MESSAGE_BURST + Math.ceil((MESSAGE_RATE * result.ms) / 1000) + 2;
      vector.require(
        accepted <= allowed,
        `${accepted} of ${burst} accepted in ${ms(result.ms)} (allowed ${allowed})`,
      );
      vector.require(
        accepted >= MESSAGE_BURST - 5,
        `only ${accepted} accepted: the burst allowance is not honoured`,
      );
      for (const failure of [...before.failures, ...during.failures]) {
        vector.problem(`the other user's send failed: ${failure}`);
      }
      const [p50Before, p50During] = [median(before.latencies), median(during.latencies)];
      const [p95Before, p95During] = [
        percentile(before.latencies, 95),
        percentile(during.latencies, 95),
      ];
      vector.figure =
        `${accepted} ok / ${burst - accepted} limited, all answered in ${ms(result.ms)}; ` +
        `other user ack p50 ${ms(p50Before)} → ${ms(p50During)}, p95 ${ms(p95Before)} → ${ms(p95During)}`;
      vector.require(
        p50During <= Math.max(3 * p50Before, p50Before + 25),
        `the other user's median ack latency went from ${ms(p50Before)} to ${ms(p50During)} ` +
          `(p95 ${ms(p95Before)} → ${ms(p95During)}) while one user's ${burst} sends were answered`,
      );
      vector.finish();
    });

    it('answers a burst of REST sends with 429', async () => {
      const api = getApi();
      const sender = await registerUser(api, { from: '127.0.5.2' });
      const burst = 150;
      const vector = new Vector(
        'Throttling',
        `one user POSTs ${burst} messages at once over REST`,
        `about ${MESSAGE_BURST} 201, the rest 429 rate_limited`,
      );
      const started = performance.now();
      const answers: HttpResult[] = await Promise.all(
        Array.from({ length: burst }, (_, i) =>
          http(api, '/api/chats/all/messages', {
            token: sender.token,
            json: { content: `rest flood ${i}`, clientId: randomUUID() },
          }),
        ),
      );
      const elapsed = (performance.now() - started) / 1000;
      for (const res of answers) {
        vector.saw(outcomeOf(res), res.status === 429);
        vector.require(
          res.status === 201 || isApiError(res, 429, 'rate_limited'),
          describeExchange('POST', res),
        );
      }
      const accepted = answers.filter((res) => res.status === 201).length;
      const allowed = MESSAGE_BURST + Math.ceil(MESSAGE_RATE * elapsed) + 2;
      vector.require(
        accepted <= allowed,
        `${accepted} accepted in ${elapsed.toFixed(1)} s (allowed ${allowed})`,
      );
      vector.require(accepted < burst, 'nothing was limited');
      vector.figure = `${accepted} created, ${burst - accepted} limited in ${elapsed.toFixed(1)} s`;
      vector.finish();
    });
  });

  it('never throttles normal use: a message a second for 20 s and 20 successful logins', async () => {
    const api = getApi();
    const user = await registerUser(api, { from: '127.0.5.3' });
    const peer = await registerUser(api, { from: '127.0.5.3' });
    const chat = (await openDirectChat(api, user, peer)).id;
    const socket = await connectSocket(api, user.token);
    const messages = new Vector(
      'Throttling',
      'normal use: one message a second for 20 s (socket), history and read after each',
      'all accepted',
    );
    const logins = new Vector(
      'Throttling',
      'normal use: 20 successful logins of one user from one address, one a second',
      'all 200',
    );
    const sendLoop = (async () => {
      for (let i = 0; i < 20; i++) {
        const tick = sleep(1_000);
        const ack = await emitAck(socket, 'message:send', [
          { chatId: chat, content: `steady ${i}`, clientId: randomUUID() },
        ]);
        const ok = typeof ack !== 'string' && ack.ok;
        messages.saw(ackOutcome(ack), !ok);
        messages.require(ok, `message ${i} → ${JSON.stringify(ack)}`);
        if (typeof ack !== 'string' && ack.ok) {
          const id = (ack.data as { id: string }).id;
          const history = await emitAck(socket, 'chat:history', [{ chatId: chat, limit: 5 }]);
          const read = await emitAck(socket, 'chat:read', [{ chatId: chat, upToId: id }]);
          for (const [label, result] of [
            ['history', history],
            ['read', read],
          ] as const) {
            messages.require(
              typeof result !== 'string' && result.ok,
              `${label} ${i} → ${JSON.stringify(result)}`,
            );
          }
        }
        await tick;
      }
    })();
    const loginLoop = (async () => {
      for (let i = 0; i < 20; i++) {
        const tick = sleep(1_000);
        const res = await http(api, '/api/auth/login', {
          json: { login: user.login, password: user.password },
          from: '127.0.5.4',
        });
        api.remember((res.body as { accessToken?: string } | undefined)?.accessToken);
        logins.saw(outcomeOf(res), res.status !== 200);
        logins.require(res.status === 200, describeExchange(`login ${i}`, res));
        await tick;
      }
    })();
    await Promise.all([sendLoop, loginLoop]);
    finishAll(messages, logins);
  }, 60_000);

  itKeepsSecretsOutOfTheLog(getApi, 'throttling');
});
