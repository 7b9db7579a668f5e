import type { Chat, Message } from '@chat/shared-types';
import { emitAck, nextEvent, recordEvents, sleep, type TestUser } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { QUIET_MS } from '../support/sockets';
import { TwoInstances } from '../support/two-instances';

/**
 * A removal racing a burst of messages on two instances behind Redis (contract "Groups"): the
 * removed member's tabs, on both instances, receive nothing committed after the removal — no
 * message whose id is at or after the removal's system message (ids follow commit order).
 */
describe('removing a group member during a burst, two instances', () => {
  const pair = TwoInstances.forSpec('api-e2e-groups', {
    MESSAGE_RATE: '1000',
    MESSAGE_BURST: '1000',
  });

  it('the removed member hears nothing committed after the removal, on any tab', async () => {
    const [onA, onB] = pair.runs;
    const owner = await pair.register(onA);
    const removed = await pair.register(onA);
    const senders = [await pair.register(onA), await pair.register(onB)];
    const created = await request(onA.api.baseUrl)
      .post('/api/chats')
      .set({ Authorization: `Bearer ${owner.token}` })
      .send({ title: 'Race', memberIds: [removed.id, ...senders.map((s) => s.id)] });
    expect(created.status).toBe(201);
    const chatId = (created.body as Chat).id;

    const tabs = [
      await pair.connect(onA, removed),
      await pair.connect(onB, removed),
      await pair.connect(onB, removed),
    ];
    const heard = tabs.map((tab) => recordEvents(tab, 'message:new'));
    // Counted from before the burst: under load the removal may wait seconds behind the sends.
    const told = tabs.map((tab) => nextEvent(tab, 'chat:removed', 40_000));
    const senderTabs = [
      await pair.connect(onA, senders[0] as TestUser),
      await pair.connect(onB, senders[1] as TestUser),
    ];

    // Each sender keeps sending until a while after the removal was acknowledged.
    let stop = false;
    const burst = senderTabs.map(async (tab) => {
      let sent = 0;
      while (!stop || sent < 20) {
        await Promise.all(
          Array.from({ length: 5 }, () =>
            emitAck(tab, 'message:send', { chatId, clientId: randomUUID(), content: `m${sent++}` }),
          ),
        );
      }
    });
    await sleep(150);
    const res = await request(onA.api.baseUrl)
      .delete(`/api/chats/${chatId}/members/${removed.id}`)
      .set({ Authorization: `Bearer ${owner.token}` });
    expect(res.status).toBe(204);
    await sleep(200);
    stop = true;
    await Promise.all(burst);
    await Promise.all(told);
    await sleep(QUIET_MS);

    // The whole history, a page at a time (newest first).
    const messages: Message[] = [];
    for (let before: string | undefined; ;) {
      const page = await request(onB.api.baseUrl)
        .get(`/api/chats/${chatId}/messages`)
        .query(before ? { limit: '100', before } : { limit: '100' })
        .set({ Authorization: `Bearer ${owner.token}` });
      const body = page.body as { messages: Message[]; hasMore: boolean };
      messages.unshift(...body.messages);
      if (!body.hasMore || body.messages.length === 0) break;
      before = body.messages[0]?.id;
    }
    const removal = messages.find((m) => m.system?.type === 'removed');
    if (!removal) throw new Error('no removal note in the history');
    const cut = BigInt(removal.id);
    // The race happened: messages were committed on both sides of the removal.
    expect(messages.some((m) => BigInt(m.id) > cut)).toBe(true);
    const received = heard.flatMap((h) => h.events).filter((m) => m.chatId === chatId);
    expect(received.length).toBeGreaterThan(0);
    expect(received.filter((m) => BigInt(m.id) >= cut).map((m) => m.id)).toEqual([]);
  }, 60_000);
});
