import type { ChangesPage, HistoryPage, Message } from '@chat/shared-types';
import {
  BOB,
  DM_BOB,
  DM_CAROL,
  CAROL,
  ME,
  chat,
  message,
  settle,
} from '../../../../testing/chat-testing';
import { setUpMessaging, type MessagingTestContext } from '../../../../testing/messaging-testing';
import type { MessagesStore } from './messages.store';

describe('MessagesStore (history, changes and catch-up)', () => {
  let ctx: MessagingTestContext;
  let store: MessagesStore;
  const shown = (chatId = DM_BOB) =>
    store
      .conversation(chatId, ME)()
      .map((entry) => (entry.deleted ? '(deleted)' : entry.content));

  function answer(page: HistoryPage, chatId = DM_BOB): void {
    const [request] = ctx.historyRequests(chatId);
    if (!request) throw new Error('no history request');
    request.flush(page);
  }

  async function open(chatId: string, messages: Message[]): Promise<void> {
    const opened = store.open(chatId);
    answer({ messages, hasMore: false }, chatId);
    await opened;
  }

  /** The connection drops and comes back; the chat list says where each chat's version is. */
  async function reconnect(versions: Record<string, string>): Promise<void> {
    ctx.socket.drop();
    ctx.socket.serverAccepts();
    ctx.listChats(
      Object.entries(versions).map(([id, version]) =>
        chat(id, id, id === DM_BOB ? [ME, BOB] : [ME, CAROL], { version }),
      ),
    );
    await settle();
  }

  function answerChanges(index: number, page: ChangesPage): { since: string; chatId: string } {
    const packet = ctx.socket.sentAt('chat:changes', index);
    packet.ack({ ok: true, data: page });
    return packet.payload as { since: string; chatId: string };
  }

  const edited = (m: Message, content: string, version: string): Message => ({
    ...m,
    content,
    editedAt: new Date().toISOString(),
    version,
  });

  beforeEach(() => {
    ctx = setUpMessaging();
    store = ctx.store;
    ctx.listChats([]);
  });

  afterEach(() => localStorage.clear());

  it('after a reconnection, recovers a message lost while a newer one arrived live', async () => {
    const first = message(DM_BOB, BOB, { content: 'first' });
    await open(DM_BOB, [first]);

    // The connection (or another instance's broadcast) loses `lost`; `later` arrives live.
    const lost = message(DM_BOB, BOB, { content: 'lost on the way' });
    const later = message(DM_BOB, BOB, { content: 'arrived live' });
    ctx.socket.push('message:new', later);
    expect(shown()).toEqual(['first', 'arrived live']);

    await reconnect({ [DM_BOB]: later.version });
    const asked = answerChanges(0, {
      messages: [lost, later],
      hasMore: false,
      version: later.version,
    });
    await settle();

    expect(asked.since).toBe(first.version);
    expect(shown()).toEqual(['first', 'lost on the way', 'arrived live']);
    expect(store.history(DM_BOB)?.version).toBe(later.version);
  });

  it('applies a live update only when its version is newer than the one held', async () => {
    const hello = message(DM_BOB, BOB, { content: 'helo' });
    await open(DM_BOB, [hello]);

    const fixed = edited(hello, 'hello', '900');
    const older = edited(hello, 'hello?', '800');
    ctx.socket.push('message:updated', fixed);
    ctx.socket.push('message:updated', older);
    ctx.socket.push('message:updated', fixed);

    const [entry] = store.conversation(DM_BOB, ME)();
    expect(entry?.content).toBe('hello');
    expect(entry?.editedAt).not.toBeNull();
  });

  it('keeps an update that arrives while the first page is loading, if the page is older', async () => {
    const hello = message(DM_BOB, BOB, { content: 'helo' });
    const opened = store.open(DM_BOB);
    ctx.socket.push('message:updated', edited(hello, 'hello', '950'));
    answer({ messages: [hello], hasMore: false });
    await opened;

    expect(shown()).toEqual(['hello']);
  });

  it('catches up exactly the chats whose version moved, page by page until hasMore is false', async () => {
    const toBob = message(DM_BOB, ME, { content: 'to Bob' });
    const toCarol = message(DM_CAROL, CAROL, { content: 'from Carol' });
    await open(DM_BOB, [toBob]);
    await open(DM_CAROL, [toCarol]);

    // Offline: Bob reacted, then deleted nothing but wrote twice; Carol's chat did not move.
    const reacted: Message = {
      ...toBob,
      reactions: [{ emoji: '👍', count: 1, userIds: [BOB.id] }],
      version: '5001',
    };
    const one = message(DM_BOB, BOB, { content: 'one', version: '5002' });
    const two = message(DM_BOB, BOB, { content: 'two', version: '5003' });
    await reconnect({ [DM_BOB]: '5003', [DM_CAROL]: toCarol.version });

    expect(ctx.socket.sentOf('chat:changes')).toHaveLength(1);
    const firstAsk = answerChanges(0, { messages: [reacted, one], hasMore: true, version: '5002' });
    await settle();
    const secondAsk = answerChanges(1, { messages: [two], hasMore: false, version: '5003' });
    await settle();

    expect(firstAsk).toMatchObject({ chatId: DM_BOB, since: toBob.version });
    expect(secondAsk).toMatchObject({ chatId: DM_BOB, since: '5002' });
    expect(ctx.socket.sentOf('chat:changes')).toHaveLength(2);
    expect(shown()).toEqual(['to Bob', 'one', 'two']);
    expect(store.conversation(DM_BOB, ME)()[0]?.reactions).toEqual(reacted.reactions);
    expect(shown(DM_CAROL)).toEqual(['from Carol']);

    // Nothing moved since: the next reconnection asks for nothing.
    await reconnect({ [DM_BOB]: '5003', [DM_CAROL]: toCarol.version });
    expect(ctx.socket.sentOf('chat:changes')).toHaveLength(2);
  });

  it('leaves a tombstone in place of a deleted message, and its replies say so', async () => {
    const original = message(DM_BOB, BOB, { content: 'wrong chat, sorry' });
    const reply = message(DM_BOB, ME, {
      content: 'no problem',
      replyTo: {
        id: original.id,
        senderId: BOB.id,
        senderName: BOB.fullName,
        excerpt: original.content,
        deleted: false,
      },
    });
    await open(DM_BOB, [original, reply]);

    ctx.socket.push('message:updated', {
      ...original,
      content: '',
      deleted: true,
      version: '7001',
    });
    ctx.socket.push('message:updated', {
      ...reply,
      replyTo: { ...reply.replyTo, excerpt: '', deleted: true },
      version: '7002',
    });

    expect(shown()).toEqual(['(deleted)', 'no problem']);
    expect(store.conversation(DM_BOB, ME)()[1]?.replyTo).toMatchObject({
      deleted: true,
      excerpt: '',
    });
  });

  it('toggles a reaction through reaction:set and shows the acknowledged state', async () => {
    const hello = message(DM_BOB, BOB, { content: 'hello' });
    await open(DM_BOB, [hello]);

    const setting = store.react(DM_BOB, hello.id, '🎉', true);
    const set = ctx.socket.sentAt('reaction:set', 0);
    expect(set.payload).toEqual({ chatId: DM_BOB, messageId: hello.id, emoji: '🎉', on: true });
    set.ack({
      ok: true,
      data: { ...hello, reactions: [{ emoji: '🎉', count: 1, userIds: [ME.id] }], version: '8001' },
    });
    expect(await setting).toBeNull();
    expect(store.conversation(DM_BOB, ME)()[0]?.reactions).toHaveLength(1);

    const clearing = store.react(DM_BOB, hello.id, '🎉', false);
    const clear = ctx.socket.sentAt('reaction:set', 1);
    expect(clear.payload).toMatchObject({ on: false });
    clear.ack({ ok: true, data: { ...hello, reactions: [], version: '8002' } });
    expect(await clearing).toBeNull();
    expect(store.conversation(DM_BOB, ME)()[0]?.reactions).toEqual([]);
  });

  it('a refused edit says why politely and changes nothing', async () => {
    const hello = message(DM_BOB, BOB, { content: 'hello' });
    await open(DM_BOB, [hello]);

    expect(await store.edit(DM_BOB, hello.id, '   ')).toBe('Write something first.');
    expect(ctx.socket.sentOf('message:edit')).toHaveLength(0);

    const editing = store.edit(DM_BOB, hello.id, 'mine now');
    ctx.socket
      .sentAt('message:edit', 0)
      .ack({ ok: false, error: { code: 'forbidden', message: 'Not your message' } });
    expect(await editing).toBe("You can't edit this message.");
    expect(shown()).toEqual(['hello']);
  });

  it('starts again from the newest page when a chat moved by more than the catch-up allows', async () => {
    const first = message(DM_BOB, BOB, { content: 'first' });
    await open(DM_BOB, [first]);
    await reconnect({ [DM_BOB]: '999999' });

    for (let page = 0; page < 10; page++) {
      const next = String(10_000 + page);
      answerChanges(page, {
        messages: [message(DM_BOB, BOB, { content: `page ${page}`, version: next })],
        hasMore: true,
        version: next,
      });
      await settle();
    }
    expect(ctx.socket.sentOf('chat:changes')).toHaveLength(10);
    const newest = message(DM_BOB, BOB, { content: 'newest', version: '999999' });
    answer({ messages: [newest], hasMore: true });
    await settle();

    expect(shown()).toEqual(['newest']);
    expect(store.history(DM_BOB)).toMatchObject({ hasMore: true, version: '999999' });
  });
});
