import { randomUUID } from 'node:crypto';
import { ackData, emitAck, nextEvent, receives, recordEvents, waitFor } from '@chat/test-harness';
import { ChatsService } from '../chats/chats.service';
import { TestApp } from '../testing/test-app';

describe('SendFastPath', () => {
  const t = TestApp.forSpec();

  async function pair() {
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    const { chat } = await t.get(ChatsService).createDirect(ann.user.id, bob.user.id);
    const [annTab, bobTab] = await Promise.all([
      t.connect(ann.accessToken),
      t.connect(bob.accessToken),
    ]);
    return { annTab, bobTab, chatId: chat.id };
  }

  it("acks one socket's sends in the order it sent them, with ids in that order", async () => {
    const { annTab, bobTab, chatId } = await pair();
    const heard = recordEvents(bobTab, 'message:new');
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        emitAck(annTab, 'message:send', { chatId, content: `m${i}`, clientId: randomUUID() }),
      ),
    );
    const sent = acks.map(ackData);

    expect(sent.map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    const ids = sent.map((m) => BigInt(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    await waitFor('every message:new', () => heard.events.length >= sent.length, 3000);
    expect(heard.events.map((m) => m.id)).toEqual(sent.map((m) => m.id));
  });

  it('acks a repeated clientId with the stored message and does not broadcast it again', async () => {
    const { annTab, bobTab, chatId } = await pair();
    const clientId = randomUUID();
    const arrives = nextEvent(bobTab, 'message:new');
    const first = ackData(
      await emitAck(annTab, 'message:send', { chatId, content: 'once', clientId }),
    );
    expect(await arrives).toEqual(first);

    const again = receives(bobTab, 'message:new', 500);
    const retry = await emitAck(annTab, 'message:send', { chatId, content: 'once', clientId });

    expect(retry).toEqual({ ok: true, data: first });
    expect(await again).toBe(false);
  });
});
