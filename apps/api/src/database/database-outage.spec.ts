import { randomUUID } from 'node:crypto';
import type { Ack, Message } from '@chat/shared-types';
import { emitAck, sleep, type ChatSocket } from '@chat/test-harness';
import { TcpProxy } from '../testing/tcp-proxy';
import { TestApp } from '../testing/test-app';

describe('when the database goes away', () => {
  const server = TestApp.postgresServer();
  const proxy = new TcpProxy(server.hostname, Number(server.port || 5432));
  // Hooks run in order: the proxy is up before the app starts, and back before it stops.
  beforeAll(() => proxy.start());
  afterAll(() => proxy.restore());
  const t = TestApp.forSpec({ proxy });
  afterAll(() => proxy.cut());

  const health = () =>
    fetch(`${t.url}/api/health`).then(async (r) => ({ status: r.status, body: await r.json() }));
  const send = (socket: ChatSocket, clientId: string): Promise<Ack<Message>> =>
    emitAck(socket, 'message:send', { chatId: 'all', content: 'during outage', clientId });

  it('answers unavailable (never ok), reports 503, and recovers by itself', async () => {
    const ann = await t.register('Ann');
    const socket = await t.connect(ann.accessToken);
    expect((await health()).status).toBe(200);

    await proxy.cut();
    const clientId = randomUUID();
    const ack = await send(socket, clientId);
    expect(ack).toEqual({ ok: false, error: { code: 'unavailable', message: expect.any(String) } });
    const rest = await fetch(`${t.url}/api/chats`, {
      headers: { authorization: `Bearer ${ann.accessToken}` },
    });
    expect(rest.status).toBe(503);
    expect(await health()).toEqual({
      status: 503,
      body: { status: 'error', db: 'down', redis: 'off' },
    });
    expect(socket.connected).toBe(true);
    // A new socket is not told its valid token is bad: it may retry, not sign out.
    expect((await t.handshakeError(ann.accessToken)).message).toBe('unavailable');

    await proxy.restore();
    let retried: Ack<Message> | undefined;
    for (let attempt = 0; attempt < 50 && !retried?.ok; attempt++) {
      retried = await send(socket, clientId);
      if (!retried.ok) await sleep(100);
    }
    expect(retried).toMatchObject({ ok: true, data: { clientId, content: 'during outage' } });
    expect((await health()).status).toBe(200);
  });
});
