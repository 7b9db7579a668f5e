import { itemAt } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import type { Message } from '@chat/shared-types';
import { DataSource } from 'typeorm';
import { ChatsService } from '../chats/chats.service';
import { TestApp } from '../testing/test-app';
import { DELETE } from './message-changes';
import { MessagesService } from './messages.service';

const EMOJI = ['👍', '❤️', '😂', '🎉', '🇫🇷'];

describe('Messages that change', () => {
  const t = TestApp.forSpec();
  const chats = t.service(ChatsService);
  const messages = t.service(MessagesService);

  it('never lets a reader paging changes miss a change or see one twice, under concurrent edits, reactions, deletions and sends', async () => {
    const users = await Promise.all([1, 2, 3, 4].map((i) => t.register(`W${i}`)));
    const chatId = 'all';
    // Each writer's own messages, which only it may edit or delete.
    const own = new Map<string, string[]>();
    const everyone: string[] = [];
    for (const u of users) {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { message } = await messages.send(u.auth, chatId, {
          content: `seed ${i}`,
          clientId: randomUUID(),
        });
        ids.push(message.id);
        everyone.push(message.id);
      }
      own.set(u.user.id, ids);
    }

    const view = new Map<string, Message>();
    let cursor = '0';
    let writing = true;
    let pages = 0;
    const reader = (async () => {
      for (;;) {
        // Only a page asked for after every write was answered (so committed) proves, when
        // it is the last, that nothing more is coming.
        const allAnswered = !writing;
        const page = await messages.changes(users[0]?.user.id ?? '', chatId, {
          since: cursor,
          limit: 7,
        });
        pages++;
        for (const message of page.messages) {
          // Ascending, and past the cursor: a version the reader saw is never <= one it had.
          expect(BigInt(message.version)).toBeGreaterThan(BigInt(cursor));
          cursor = message.version;
          const held = view.get(message.id);
          if (held) expect(BigInt(message.version)).toBeGreaterThan(BigInt(held.version));
          view.set(message.id, message);
        }
        expect(page.version).toBe(cursor);
        if (allAnswered && !page.hasMore && page.messages.length === 0) break;
      }
    })();

    const pick = <T>(list: readonly T[], i: number): T => itemAt(list, i % list.length);
    // A message deleted meanwhile can no longer be edited, reacted to or replied to: those
    // refusals are expected (and change nothing); any other error fails the test.
    const unlessDeleted = (write: Promise<unknown>) =>
      write.catch((error: { code?: string }) => {
        if (error.code !== 'forbidden' && error.code !== 'invalid') throw error;
      });
    await Promise.all(
      users.map(async (u, w) => {
        const mine = own.get(u.user.id) ?? [];
        for (let i = 0; i < 40; i++) {
          const step = (i + w) % 5;
          if (step === 0) {
            const sent = messages.send(u.auth, chatId, {
              content: `new ${w}.${i}`,
              clientId: randomUUID(),
              replyToId: pick(everyone, i),
            });
            await unlessDeleted(
              sent.then(({ message }) => {
                mine.push(message.id);
                everyone.push(message.id);
              }),
            );
          } else if (step === 1 || step === 3) {
            await unlessDeleted(messages.edit(u.auth, chatId, pick(mine, i), `edit ${w}.${i}`));
          } else if (step === 2) {
            const on = i % 3 !== 0;
            const target = pick(everyone, i * 7 + w);
            await unlessDeleted(messages.react(u.auth, chatId, target, pick(EMOJI, i), on));
          } else if (i % 4 === 0) {
            await messages.remove(u.auth, chatId, pick(mine, i));
          }
        }
      }),
    );
    writing = false;
    await reader;

    // The reader's view equals the database's: every message, in its current state.
    const all: Message[] = [];
    let since = '0';
    for (;;) {
      const page = await messages.changes(users[0]?.user.id ?? '', chatId, { since, limit: 500 });
      all.push(...page.messages);
      since = page.version;
      if (!page.hasMore) break;
    }
    const byId = (a: Message, b: Message) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1);
    expect([...view.values()].sort(byId)).toEqual(all.sort(byId));
    expect(
      all.some((m) => m.deleted) &&
        all.some((m) => m.editedAt) &&
        all.some((m) => m.reactions.length > 0),
    ).toBe(true);
    expect(pages).toBeGreaterThan(5);
    // Chat.version is the greatest version of the chat.
    const chat = await chats.get(users[0]?.user.id ?? '', chatId);
    expect(chat.version).toBe(cursor);
  });

  it('refuses a reply whose target another instance deleted while the send waited for the chat', async () => {
    const [a, b] = await Promise.all([t.register('Ra'), t.register('Rb')]);
    const chatId = 'all';
    const { message: target } = await messages.send(a.auth, chatId, {
      content: 'soon gone',
      clientId: randomUUID(),
    });
    const db = t.get(DataSource);
    // Another instance's deletion: its own connection, holding the chat's lock meanwhile.
    const other = db.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      await other.query(`SELECT id FROM chats WHERE id = $1 FOR UPDATE`, [chatId]);
      const reply = messages
        .send(b.auth, chatId, { content: 'reply', clientId: randomUUID(), replyToId: target.id })
        .then(
          () => 'stored',
          (error: { code?: string }) => error.code ?? String(error),
        );
      // The reply's statement has started (its snapshot taken) and waits for the chat.
      for (let waited = 0; ; waited += 20) {
        const [row] = await db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE 'WITH locked AS%'`,
        );
        if (row?.n) break;
        if (waited > 5_000) throw new Error('the reply never waited for the chat');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await other.query(DELETE.text, [chatId, target.id, a.user.id]);
      await other.commitTransaction();
      expect(await reply).toBe('invalid');
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
    const stored = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM messages WHERE reply_to_id = $1`,
      [target.id],
    );
    expect(stored).toEqual([{ n: 0 }]);
  });
});
