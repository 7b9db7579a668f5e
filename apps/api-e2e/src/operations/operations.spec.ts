import {
  GLOBAL_CHAT_ID,
  type Ack,
  type AuthResult,
  type Message,
  type SessionEvent,
} from '@chat/shared-types';
import {
  RedisServer,
  randomPassword,
  startTestApi,
  waitFor,
  type ChatSocket,
  type TestApiRun,
} from '@chat/test-harness';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { io } from 'socket.io-client';
import request from 'supertest';
import { api } from '../support/http';
import { uniqueLogin } from '../support/users';

const METRICS_TOKEN = randomBytes(24).toString('hex');
const SENDS = 12;

/** One sample line of the Prometheus text format: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[pair[1] ?? ''] = pair[2] ?? '';
      }
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

/** The value of a series (labels given must match); undefined when absent. */
function valueOf(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

describe('GET /api/health/live and /api/health/ready', () => {
  it('live: 200 while the process serves; ready: 200 with the database up and Redis off', async () => {
    const live = await api().get('/api/health/live');
    expect({ status: live.status, body: live.body as unknown }).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    const ready = await api().get('/api/health/ready');
    expect({ status: ready.status, body: ready.body as unknown }).toEqual({
      status: 200,
      body: { status: 'ok', db: 'up', redis: 'off' },
    });
  });
});

/*
 * An API of its own, as production runs it (NODE_ENV=production, METRICS_TOKEN, Redis), whose
 * output is read back: what an operator sees in the logs and what Prometheus scrapes.
 */
describe('operations: production logs and metrics', () => {
  let redis: RedisServer | undefined;
  let run: TestApiRun | undefined;
  const sockets: ChatSocket[] = [];
  const password = `Pw-${randomPassword(9)}`;
  const secretContent = `content-${randomUUID()}`;
  let auth: AuthResult;

  const ops = () => {
    if (!run) throw new Error('beforeAll did not start the API');
    return run;
  };
  const http = () => request(ops().api.baseUrl);
  const scrape = async () => {
    const res = await http().get('/api/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    return parseMetrics(res.text);
  };

  beforeAll(async () => {
    redis = await RedisServer.start('api-e2e-operations');
    run = await startTestApi({
      name: 'api-e2e-operations',
      env: { NODE_ENV: 'production', METRICS_TOKEN, REDIS_URL: redis.url },
    });
    const login = uniqueLogin('ops');
    const registered = await http()
      .post('/api/auth/register')
      .send({ login, fullName: 'Ops Person', password });
    expect(registered.status).toBe(201);
    const signedIn = await http()
      .post('/api/auth/login')
      .set('X-Request-Id', 'ops-login-1')
      .send({ login, password });
    expect(signedIn.status).toBe(200);
    auth = signedIn.body as AuthResult;
  }, 120_000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.disconnect());
    await run?.cleanUp();
    await redis?.destroy();
  }, 60_000);

  it('returns the caller X-Request-Id, or a new one, on every answer', async () => {
    const given = await http().get('/api/health/live').set('X-Request-Id', 'probe-42');
    expect({ status: given.status, id: given.headers['x-request-id'] }).toEqual({
      status: 200,
      id: 'probe-42',
    });
    const fresh = await http().get('/api/health/live').set('X-Request-Id', 'not an id; "x"');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a scrape without the metrics token (401) and answers 404 where none is set', async () => {
    expect((await http().get('/api/metrics')).status).toBe(401);
    const wrong = await http()
      .get('/api/metrics')
      .set('Authorization', `Bearer ${'x'.repeat(48)}`);
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('chat_');
    // The suite's shared API runs without METRICS_TOKEN.
    expect((await api().get('/api/metrics')).status).toBe(404);
  });

  it('exposes every series, and they move when messages are sent', async () => {
    const before = await scrape();
    for (const name of [
      'chat_connected_sockets',
      'chat_messages_stored_total',
      'chat_message_write_batch_size_count',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect({ name, value: valueOf(before, name) }).toEqual({ name, value: expect.any(Number) });
    }
    expect(valueOf(before, 'chat_pg_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(valueOf(before, 'chat_pg_pool_connections', { state: 'waiting' })).toBe(0);
    for (const connection of ['pub', 'sub', 'commands']) {
      expect({ connection, up: valueOf(before, 'chat_redis_up', { connection }) }).toEqual({
        connection,
        up: 1,
      });
    }
    // Routes are templates, never raw URLs: one series for every chat's messages.
    expect(
      valueOf(before, 'chat_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/auth/login',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);

    const socket = io(ops().api.baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: auth.accessToken },
      extraHeaders: { 'X-Request-Id': 'ops-socket-1' },
    }) as ChatSocket;
    sockets.push(socket);
    await new Promise<SessionEvent>((resolve, reject) => {
      socket.once('session', resolve);
      socket.once('connect_error', reject);
    });
    for (let i = 0; i < SENDS; i++) {
      const ack = (await socket.timeout(5_000).emitWithAck('message:send', {
        chatId: GLOBAL_CHAT_ID,
        clientId: randomUUID(),
        content: i === 0 ? secretContent : `ops ${i}`,
      })) as Ack<Message>;
      expect(ack.ok).toBe(true);
    }
    const rest = await http()
      .post(`/api/chats/${GLOBAL_CHAT_ID}/messages`)
      .set('Authorization', `Bearer ${auth.accessToken}`)
      .send({ clientId: randomUUID(), content: `${secretContent} by REST` });
    expect(rest.status).toBe(201);
    const upload = await http()
      .post(`/api/chats/${GLOBAL_CHAT_ID}/attachments`)
      .set('Authorization', `Bearer ${auth.accessToken}`)
      .attach('file', Buffer.from('minutes of the meeting\n'), 'minutes.txt');
    expect(upload.status).toBe(201);
    const refused = await http()
      .post('/api/chats/g:00000000-0000-4000-8000-000000000000/attachments')
      .set('Authorization', `Bearer ${auth.accessToken}`)
      .attach('file', Buffer.from('not for that chat'), 'elsewhere.txt');
    expect(refused.status).toBe(403);

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      (valueOf(after, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0);
    expect({
      sockets: valueOf(after, 'chat_connected_sockets'),
      stored: moved('chat_messages_stored_total'),
      batches: moved('chat_message_write_batch_size_count') >= 1,
      acks: moved('chat_message_send_ack_seconds_count', { outcome: 'ok' }),
      restSends: moved('chat_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/chats/:id/messages',
        status: '201',
      }),
      uploaded: moved('chat_attachment_uploads_total', { outcome: 'ok', kind: 'file' }),
      uploadsRefused: moved('chat_attachment_uploads_total', {
        outcome: 'forbidden',
        kind: 'none',
      }),
      uploadBytes: moved('chat_attachment_upload_bytes_sum'),
      uploadTimes: moved('chat_attachment_upload_seconds_count', { outcome: 'ok' }),
    }).toEqual({
      sockets: 1,
      stored: SENDS + 1,
      batches: true,
      acks: SENDS,
      restSends: 1,
      uploaded: 1,
      uploadsRefused: 1,
      uploadBytes: 'minutes of the meeting\n'.length,
      uploadTimes: 1,
    });
  });

  it('logs JSON lines only: one per request with its fields, socket lines with their id, no secret', async () => {
    const { api: apiProcess } = ops();
    // Give the log stream a moment to reach the file.
    let lines: Record<string, unknown>[] = [];
    await waitFor(
      'the socket and the REST send in the log',
      async () => {
        const text = await readFile(apiProcess.logFile, 'utf8');
        const raw = text.split('\n').filter((line) => line.trim() !== '');
        lines = raw.map((line) => {
          try {
            return JSON.parse(line) as Record<string, unknown>;
          } catch {
            throw new Error(`a log line is not JSON: ${line}`);
          }
        });
        return lines.some((line) => line['route'] === '/api/chats/:id/messages');
      },
      5_000,
    );
    const text = await readFile(apiProcess.logFile, 'utf8');
    expect(text).not.toContain(password);
    expect(text).not.toContain(auth.accessToken);
    expect(text).not.toContain(auth.accessToken.split('.')[2] ?? 'unreachable');
    expect(text).not.toContain(secretContent);

    const login = lines.find((line) => line['requestId'] === 'ops-login-1');
    expect(login).toMatchObject({
      method: 'POST',
      route: '/api/auth/login',
      status: 200,
      durationMs: expect.any(Number),
      level: 30,
    });
    const send = lines.find((line) => line['route'] === '/api/chats/:id/messages');
    expect(send).toMatchObject({
      method: 'POST',
      status: 201,
      userId: auth.user.id,
      requestId: expect.any(String),
      durationMs: expect.any(Number),
    });
    const connected = lines.find((line) => line['msg'] === 'socket connected');
    expect(connected).toMatchObject({ requestId: 'ops-socket-1', userId: auth.user.id });
  });
});
