import { itemAt } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { ChatsService } from '../chats/chats.service';
import { TestApp } from '../testing/test-app';
import { mapError } from '../common/error-mapping';
import { SendMessageDto } from './dto/send-message.dto';
import { MessageWriter } from './message-writer';
import { MessagesService } from './messages.service';

describe('MessagesService', () => {
  const t = TestApp.forSpec();
  const chats = t.service(ChatsService);
  const messages = t.service(MessagesService);

  async function pair() {
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    const { chat } = await chats.createDirect(ann.user.id, bob.user.id);
    return { ann, bob, chatId: chat.id };
  }

  it('stores trimmed content with the sender and the chat', async () => {
    const { ann, chatId } = await pair();
    // The DTO as the validation pipe hands it over: SendMessageDto trims the content.
    const dto = plainToInstance(SendMessageDto, {
      content: ' \n hello  ',
      clientId: randomUUID(),
    });
    const { message, created } = await messages.send(ann.auth, chatId, dto);
    expect(created).toBe(true);
    expect(message).toMatchObject({
      chatId,
      senderId: ann.user.id,
      senderName: 'Ann',
      content: 'hello',
    });
    const stored = await messages.history(ann.user.id, chatId, {});
    expect(stored.messages.map((m) => m.content)).toEqual(['hello']);
    expect(BigInt(message.id)).toBeGreaterThan(0n);
    expect(new Date(message.createdAt).toISOString()).toBe(message.createdAt);
  });

  it('stores one message for a repeated clientId, even sent at the same moment', async () => {
    const { ann, chatId } = await pair();
    const clientId = randomUUID();
    const results = await Promise.all(
      [1, 2, 3].map(() => messages.send(ann.auth, chatId, { content: 'once', clientId })),
    );
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const page = await messages.history(ann.user.id, chatId, {});
    expect(page.messages.filter((m) => m.clientId === clientId)).toHaveLength(1);
  });

  it('stores the rest of a batch when PostgreSQL refuses one row, in the order they were sent', async () => {
    const { ann, chatId } = await pair();
    const writer = t.get(MessageWriter);
    const write = (clientId: string, content: string) =>
      writer.write({ chatId, senderId: ann.user.id, senderName: 'Ann', clientId, content });
    // The first goes alone; the next three share a batch, which the bad uuid makes fail.
    const first = write(randomUUID(), 'first');
    const second = write(randomUUID(), 'second');
    const refused = write('not-a-uuid', 'refused');
    const third = write(randomUUID(), 'third');
    const [a, b, c] = await Promise.all([first, second, third]);
    const error: unknown = await refused.catch((e: unknown) => e);
    expect(mapError(error)).toMatchObject({ status: 400, code: 'invalid' });
    expect([a?.content, b?.content, c?.content]).toEqual(['first', 'second', 'third']);
    expect(BigInt(a?.id ?? 0) < BigInt(b?.id ?? 0) && BigInt(b?.id ?? 0) < BigInt(c?.id ?? 0)).toBe(
      true,
    );
    const page = await messages.history(ann.user.id, chatId, {});
    expect(page.messages.map((m) => m.content)).toEqual(['first', 'second', 'third']);
  });

  it('refuses a clientId already used in another chat, and a chat the sender is not in', async () => {
    const { ann, chatId } = await pair();
    const eve = await t.register('Eve');
    const clientId = randomUUID();
    await messages.send(ann.auth, chatId, { content: 'x', clientId });
    await expect(messages.send(ann.auth, 'all', { content: 'x', clientId })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(
      messages.send(eve.auth, chatId, { content: 'x', clientId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(messages.history(eve.user.id, chatId, {})).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('pages back with before and catches up with after, each message exactly once', async () => {
    const { ann, bob, chatId } = await pair();
    const sent: string[] = [];
    for (let i = 0; i < 25; i++) {
      const author = i % 2 ? bob : ann;
      sent.push(
        (await messages.send(author.auth, chatId, { content: `m${i}`, clientId: randomUUID() }))
          .message.id,
      );
    }

    const newest = await messages.history(ann.user.id, chatId, { limit: 10 });
    expect(newest.messages.map((m) => m.id)).toEqual(sent.slice(15));
    expect(newest.hasMore).toBe(true);

    const seen = [...newest.messages.map((m) => m.id)];
    let page = newest;
    while (page.hasMore) {
      page = await messages.history(ann.user.id, chatId, {
        limit: 10,
        before: page.messages[0]?.id,
      });
      seen.unshift(...page.messages.map((m) => m.id));
    }
    expect(seen).toEqual(sent);

    const caughtUp = await messages.history(bob.user.id, chatId, { after: sent[19], limit: 3 });
    expect(caughtUp.messages.map((m) => m.id)).toEqual(sent.slice(20, 23));
    expect(caughtUp.hasMore).toBe(true);
    const rest = await messages.history(bob.user.id, chatId, { after: sent[22] });
    expect(rest.messages.map((m) => m.id)).toEqual(sent.slice(23));
    expect(rest.hasMore).toBe(false);
  });

  it('never lets a reader polling with after miss a message committed concurrently', async () => {
    const senders = await Promise.all([1, 2, 3, 4].map((i) => t.register(`S${i}`)));
    const first = itemAt(senders, 0);
    const chatId = 'all';
    const start = await messages.send(first.auth, chatId, {
      content: 'start',
      clientId: randomUUID(),
    });
    let cursor = start.message.id;
    const seen: string[] = [];
    let sending = true;
    const reader = (async () => {
      for (;;) {
        // Read before the query: only a page asked for after every send was acked (so
        // committed) proves, when empty, that nothing more is coming.
        const allAcked = !sending;
        const page = await messages.history(first.user.id, chatId, {
          after: cursor,
          limit: 100,
        });
        seen.push(...page.messages.map((m) => m.id));
        cursor = page.messages.at(-1)?.id ?? cursor;
        if (allAcked && page.messages.length === 0) break;
      }
    })();
    const sent = await Promise.all(
      senders.flatMap((s) =>
        Array.from({ length: 50 }, (_, i) =>
          messages.send(s.auth, chatId, { content: `c${i}`, clientId: randomUUID() }),
        ),
      ),
    );
    sending = false;
    await reader;
    const sentIds = sent.map((r) => r.message.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(seen).toEqual(sentIds);
  });
});
