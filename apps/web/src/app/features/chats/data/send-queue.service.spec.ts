import { LIMITS, type HistoryPage, type Message } from '@chat/shared-types';
import { BOB, DM_BOB, ME, message, settle } from '../../../../testing/chat-testing';
import { setUpMessaging, type MessagingTestContext } from '../../../../testing/messaging-testing';
import type { MessagesStore } from './messages.store';
import { RATE_LIMIT_RETRY_MS, type SendQueue } from './send-queue.service';

describe('SendQueue (optimistic sending)', () => {
  let ctx: MessagingTestContext;
  let queue: SendQueue;
  let store: MessagesStore;

  /** What the chat view shows for the conversation with Bob. */
  const shown = () => store.conversation(DM_BOB, ME)();
  const sends = () => ctx.socket.sentOf('message:send');
  const sendAt = (index: number) => ctx.socket.sentAt('message:send', index);
  const stored = (content: string, clientId: string): Message =>
    message(DM_BOB, ME, { content, clientId });

  function answerHistory(page: HistoryPage): void {
    for (const request of ctx.historyRequests(DM_BOB)) request.flush(page);
  }

  beforeEach(async () => {
    ctx = setUpMessaging();
    ({ queue, store } = ctx);
    answerHistory({ messages: [], hasMore: false });
    const opened = store.open(DM_BOB);
    answerHistory({ messages: [message(DM_BOB, BOB, { content: 'hi Ada' })], hasMore: false });
    await opened;
  });

  afterEach(() => {
    vi.useRealTimers();
    localStorage.clear();
  });

  it('shows a message at once as pending, then as sent when the server acknowledges it', async () => {
    const result = queue.send(DM_BOB, '  hello Bob  ');
    expect(result.ok).toBe(true);

    expect(shown().map((e) => [e.content, e.delivery])).toEqual([
      ['hi Ada', 'stored'],
      ['hello Bob', 'pending'],
    ]);
    const packet = sendAt(0);
    expect(packet.payload).toMatchObject({ chatId: DM_BOB, content: 'hello Bob' });

    const clientId = (packet.payload as { clientId: string }).clientId;
    packet.ack({ ok: true, data: stored('hello Bob', clientId) });
    await settle();

    expect(shown().map((e) => [e.content, e.delivery])).toEqual([
      ['hi Ada', 'stored'],
      ['hello Bob', 'stored'],
    ]);
    expect(queue.outgoing()).toHaveLength(0);
  });

  it('keeps the key of a line from pending to sent, so it is not redrawn', async () => {
    queue.send(DM_BOB, 'steady');
    const pendingKey = shown().at(-1)?.key;
    const packet = sendAt(0);
    packet.ack({
      ok: true,
      data: stored('steady', (packet.payload as { clientId: string }).clientId),
    });
    await settle();

    expect(shown().at(-1)?.key).toBe(pendingKey);
  });

  it('keeps a message pending when the connection drops before the ack', async () => {
    queue.send(DM_BOB, 'are you there?');

    ctx.socket.drop();
    await settle();

    expect(shown().at(-1)).toMatchObject({ content: 'are you there?', delivery: 'pending' });
    expect(queue.outgoing()).toHaveLength(1);
  });

  it('sends pending messages again, in order and with the same clientId, when the connection returns', async () => {
    queue.send(DM_BOB, 'first');
    const firstId = (sendAt(0).payload as { clientId: string }).clientId;
    ctx.socket.drop();
    await settle();
    queue.send(DM_BOB, 'typed while offline');
    expect(sends()).toHaveLength(1);

    ctx.socket.serverAccepts();
    answerHistory({ messages: [], hasMore: false });
    await settle();

    const resent = sendAt(1);
    expect(resent.payload).toMatchObject({ content: 'first', clientId: firstId });
    resent.ack({ ok: true, data: stored('first', firstId) });
    await settle();
    const next = sendAt(2);
    expect(next.payload).toMatchObject({ content: 'typed while offline' });
    next.ack({
      ok: true,
      data: stored('typed while offline', (next.payload as { clientId: string }).clientId),
    });
    await settle();

    expect(shown().map((e) => [e.content, e.delivery])).toEqual([
      ['hi Ada', 'stored'],
      ['first', 'stored'],
      ['typed while offline', 'stored'],
    ]);
  });

  it('shows a message once when it comes back live, by ack and in the catch-up after a reconnect', async () => {
    queue.send(DM_BOB, 'only once');
    const clientId = (sendAt(0).payload as { clientId: string }).clientId;
    const saved = stored('only once', clientId);

    ctx.socket.push('message:new', saved);
    sendAt(0).ack({ ok: true, data: saved });
    await settle();
    ctx.socket.drop();
    ctx.socket.serverAccepts();
    answerHistory({ messages: [saved], hasMore: false });
    await settle();

    expect(shown().filter((e) => e.content === 'only once')).toHaveLength(1);
    expect(shown().at(-1)?.delivery).toBe('stored');
  });

  it('shows a message once when the first ack was lost but the server had stored it', async () => {
    queue.send(DM_BOB, 'stored before the drop');
    const clientId = (sendAt(0).payload as { clientId: string }).clientId;
    const saved = stored('stored before the drop', clientId);
    ctx.socket.drop();
    await settle();

    ctx.socket.serverAccepts();
    // The catch-up finds it and the resent copy is acknowledged with the same message.
    answerHistory({ messages: [saved], hasMore: false });
    await settle();
    sends()
      .slice(1)
      .forEach((packet) => packet.ack({ ok: true, data: saved }));
    await settle();

    expect(shown().filter((e) => e.clientId === clientId)).toHaveLength(1);
    expect(queue.outgoing()).toHaveLength(0);
  });

  it('marks a message the server refuses as invalid as failed, with a clear error', async () => {
    queue.send(DM_BOB, 'refused');
    sendAt(0).ack({ ok: false, error: { code: 'invalid', message: 'content is too long' } });
    await settle();

    expect(shown().at(-1)).toMatchObject({ delivery: 'failed' });
    expect(queue.notice()).toMatchObject({ chatId: DM_BOB, code: 'invalid' });
    expect(queue.notice()?.text).toContain('content is too long');
  });

  it('explains rate limiting and sends again later with the same clientId', async () => {
    vi.useFakeTimers();
    queue.send(DM_BOB, 'slow down');
    const clientId = (sendAt(0).payload as { clientId: string }).clientId;
    sendAt(0).ack({ ok: false, error: { code: 'rate_limited', message: 'Too many' } });
    await settle();

    expect(queue.notice()?.text).toMatch(/too fast/i);
    expect(shown().at(-1)?.delivery).toBe('pending');

    vi.advanceTimersByTime(RATE_LIMIT_RETRY_MS);
    await settle();

    expect(sends()).toHaveLength(2);
    expect(sendAt(1).payload).toMatchObject({ clientId });
  });

  it('refuses empty and over-long messages before sending anything', () => {
    expect(queue.send(DM_BOB, '   \n ')).toMatchObject({ ok: false });
    expect(queue.send(DM_BOB, 'x'.repeat(LIMITS.contentMax + 1))).toMatchObject({ ok: false });
    expect(sends()).toHaveLength(0);
    expect(queue.outgoing()).toHaveLength(0);
  });

  it(`sends ${LIMITS.contentMax} emoji, which the server counts as ${LIMITS.contentMax} characters`, () => {
    expect(queue.send(DM_BOB, '😀'.repeat(LIMITS.contentMax + 1))).toMatchObject({ ok: false });
    expect(queue.send(DM_BOB, '😀'.repeat(LIMITS.contentMax))).toMatchObject({ ok: true });
    expect(sends()).toHaveLength(1);
  });
});
