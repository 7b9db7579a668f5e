import { TestBed } from '@angular/core/testing';
import type { Message } from '@chat/shared-types';
import { FakeChatSocket } from '../../../testing/fake-chat-socket';
import { BOB, DM_BOB, message, setUpChatTesting, settle } from '../../../testing/chat-testing';
import { ChatSocketService } from './chat-socket.service';

describe('ChatSocketService', () => {
  let socket: FakeChatSocket;
  let service: ChatSocketService;

  beforeEach(() => {
    ({ socket, chatSocket: service } = setUpChatTesting());
    service.connect('token-1');
  });

  afterEach(() => {
    vi.useRealTimers();
    localStorage.clear();
  });

  it('delivers server events with their contract payloads', () => {
    const received: Message[] = [];
    service.on('message:new').subscribe((m) => received.push(m));
    socket.serverAccepts();
    const hello = message(DM_BOB, BOB, { content: 'hello' });

    socket.push('message:new', hello);

    expect(received).toEqual([hello]);
  });

  it('removes the socket listener when a subscriber unsubscribes', () => {
    const subscription = service.on('typing').subscribe();
    expect(socket.listenerCount('typing')).toBe(1);

    subscription.unsubscribe();

    expect(socket.listenerCount('typing')).toBe(0);
  });

  it('leaves no listener behind and closes the socket when torn down', () => {
    service.on('message:new').subscribe();
    service.on('presence').subscribe();
    socket.serverAccepts();
    expect(socket.listenerCount()).toBeGreaterThan(0);

    TestBed.resetTestingModule();

    expect(socket.listenerCount()).toBe(0);
    expect(socket.active).toBe(false);
    expect(service.state()).toBe('closed');
  });

  it('resolves a request with the acknowledgement the server sends', async () => {
    socket.serverAccepts();
    const sent = message(DM_BOB, BOB);

    const answer = service.request('message:send', {
      chatId: DM_BOB,
      content: sent.content,
      clientId: sent.clientId,
    });
    const packet = socket.sentAt('message:send', 0);
    expect(packet.payload).toEqual({
      chatId: DM_BOB,
      content: sent.content,
      clientId: sent.clientId,
    });
    packet.ack({ ok: true, data: sent });

    await expect(answer).resolves.toEqual({ ok: true, data: sent });
  });

  it('answers unavailable at once while disconnected, without queueing the packet', async () => {
    const answer = await service.request('typing', { chatId: DM_BOB, isTyping: true });

    expect(answer).toEqual({ ok: false, error: { code: 'unavailable', message: 'Not connected' } });
    expect(socket.sent).toHaveLength(0);
  });

  it('answers unavailable when the connection drops before the ack, and ignores a late ack', async () => {
    socket.serverAccepts();
    const answer = service.request('chat:read', { chatId: DM_BOB, upToId: '5' });

    socket.drop();
    socket.sentAt('chat:read', 0).ack({ ok: true, data: {} });

    await expect(answer).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('answers unavailable when no ack comes in time', async () => {
    vi.useFakeTimers();
    socket.serverAccepts();
    const answer = service.request('typing', { chatId: DM_BOB, isTyping: false });

    vi.advanceTimersByTime(5_000);

    await expect(answer).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('reports reconnecting while down and announces every reconnection', async () => {
    let connections = 0;
    service.connected$.subscribe(() => connections++);
    socket.serverAccepts();
    expect(service.state()).toBe('connected');

    socket.drop();
    expect(service.state()).toBe('reconnecting');

    socket.serverAccepts();
    await settle();
    expect(service.state()).toBe('connected');
    expect(connections).toBe(2);
  });

  it('closes at once when the browser goes offline, and reconnects when it is back', async () => {
    socket.serverAccepts();
    const answer = service.request('message:send', {
      chatId: DM_BOB,
      content: 'hi',
      clientId: 'c1',
    });

    window.dispatchEvent(new Event('offline'));

    expect(service.state()).toBe('reconnecting');
    expect(socket.connected).toBe(false);
    await expect(answer).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });

    window.dispatchEvent(new Event('online'));
    expect(socket.active).toBe(true);
    socket.serverAccepts();
    expect(service.state()).toBe('connected');
  });

  it('reports a refused token as unauthorized', () => {
    socket.push('connect_error', new Error('unauthorized'));

    expect(service.state()).toBe('unauthorized');
  });
});
