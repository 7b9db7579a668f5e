import { randomUUID } from 'node:crypto';
import { directChatId, GLOBAL_CHAT_ID } from '@chat/shared-types';
import { plainToInstance } from 'class-transformer';
import { AppError } from '../common/app-error';
import { CreateChatDto } from './dto/create-chat.dto';
import { MessagesService } from '../messages/messages.service';
import { TestApp } from '../testing/test-app';
import { ChatsService } from './chats.service';

describe('ChatsService', () => {
  const t = TestApp.forSpec();
  const chats = t.service(ChatsService);
  const messages = t.service(MessagesService);

  const send = (
    sender: Awaited<ReturnType<TestApp['register']>>,
    chatId: string,
    content: string,
  ) =>
    messages.send(sender.auth, chatId, { content, clientId: randomUUID() }).then((r) => r.message);

  it('puts every new user in the global chat, listed first', async () => {
    const ann = await t.register('Ann');
    const list = await chats.list(ann.user.id);
    expect(list[0]).toMatchObject({ id: GLOBAL_CHAT_ID, kind: 'global', title: 'All' });
    expect(list[0]?.members.map((m) => m.id)).toContain(ann.user.id);
  });

  it('creates a direct chat once, under the derived id, titled for each side', async () => {
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    const first = await chats.createDirect(ann.user.id, bob.user.id);
    const again = await chats.createDirect(bob.user.id, ann.user.id);

    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(first.chat.id).toBe(directChatId(ann.user.id, bob.user.id));
    expect(again.chat.id).toBe(first.chat.id);
    expect(first.chat.title).toBe('Bob');
    expect(again.chat.title).toBe('Ann');
  });

  it('creates one chat when both sides ask at the same moment', async () => {
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    const results = await Promise.all([
      chats.createDirect(ann.user.id, bob.user.id),
      chats.createDirect(bob.user.id, ann.user.id),
      chats.createDirect(ann.user.id, bob.user.id),
    ]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.chat.id)).size).toBe(1);
  });

  it('reads a peer id in any case as the same user, and the same chat', async () => {
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    // The DTO lower-cases the id; a direct chat's body always has one (peerId is optional for groups).
    const dto = (peerId: string) => ({
      peerId: plainToInstance(CreateChatDto, { peerId }).peerId ?? '',
    });
    const first = await chats.createDirect(ann.user.id, dto(bob.user.id.toUpperCase()).peerId);
    const again = await chats.createDirect(ann.user.id, dto(bob.user.id).peerId);
    expect(first.chat.id).toBe(directChatId(ann.user.id, bob.user.id));
    expect(again).toMatchObject({ created: false, chat: { id: first.chat.id } });
    await expect(
      chats.createDirect(ann.user.id, dto(ann.user.id.toUpperCase()).peerId),
    ).rejects.toMatchObject({ code: 'invalid' });
  });

  it('refuses a chat with yourself and with an unknown user', async () => {
    const ann = await t.register('Ann');
    await expect(chats.createDirect(ann.user.id, ann.user.id)).rejects.toMatchObject({
      code: 'invalid',
    });
    await expect(chats.createDirect(ann.user.id, randomUUID())).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('forbids a non-member, whether the chat exists or not', async () => {
    const [ann, bob, eve] = await Promise.all([
      t.register('Ann'),
      t.register('Bob'),
      t.register('Eve'),
    ]);
    const { chat } = await chats.createDirect(ann.user.id, bob.user.id);
    for (const chatId of [chat.id, directChatId(eve.user.id, randomUUID()), 'nope']) {
      const error = await chats.assertMember(eve.user.id, chatId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'forbidden' });
    }
  });

  it("counts only others' messages after the read mark, which only moves forward", async () => {
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    const { chat } = await chats.createDirect(ann.user.id, bob.user.id);
    const unread = async () => (await chats.get(bob.user.id, chat.id)).unreadCount;

    const m1 = await send(ann, chat.id, 'one');
    await send(bob, chat.id, 'mine');
    const m3 = await send(ann, chat.id, 'three');
    expect(await unread()).toBe(2);

    expect(await chats.markRead(bob.user.id, chat.id, m1.id)).toBe(m1.id);
    expect(await unread()).toBe(1);
    const annView = await chats.get(ann.user.id, chat.id);
    expect(annView.members.find((m) => m.id === bob.user.id)?.lastReadId).toBe(m1.id);

    expect(await chats.markRead(bob.user.id, chat.id, '1')).toBeNull();
    expect((await chats.get(bob.user.id, chat.id)).lastReadId).toBe(m1.id);

    // A mark beyond the newest message stops at it, so later messages still count.
    expect(await chats.markRead(bob.user.id, chat.id, '999999999')).toBe(m3.id);
    await send(ann, chat.id, 'four');
    expect(await unread()).toBe(1);
  });

  it('orders chats by latest activity after the global chat', async () => {
    const [ann, bob, cid] = await Promise.all([
      t.register('Ann'),
      t.register('Bob'),
      t.register('Cid'),
    ]);
    const withBob = (await chats.createDirect(ann.user.id, bob.user.id)).chat;
    const withCid = (await chats.createDirect(ann.user.id, cid.user.id)).chat;
    await send(ann, withCid.id, 'older');
    await send(bob, withBob.id, 'newer');
    const ids = async () => (await chats.list(ann.user.id)).map((c) => c.id);
    expect(await ids()).toEqual([GLOBAL_CHAT_ID, withBob.id, withCid.id]);
    expect((await chats.get(ann.user.id, withBob.id)).lastMessage?.content).toBe('newer');
    // The chat created last moves ahead only by a newer message: the order is activity's.
    await send(cid, withCid.id, 'newest');
    expect(await ids()).toEqual([GLOBAL_CHAT_ID, withCid.id, withBob.id]);
  });

  it("builds every member's own view of a chat at once, as each would load it, and none for outsiders", async () => {
    const [ann, bob, cid, dan] = await Promise.all([
      t.register('Ann'),
      t.register('Bob'),
      t.register('Cid'),
      t.register('Dan'),
    ]);
    const direct = (await chats.createDirect(ann.user.id, bob.user.id)).chat;
    await send(ann, direct.id, 'one');
    await send(ann, direct.id, 'two');
    await send(bob, direct.id, 'three');
    const ids = [ann, bob, cid, dan].map((u) => u.user.id);

    const directViews = await chats.viewsOf(direct.id, ids);
    expect([...directViews.keys()].sort()).toEqual([ann.user.id, bob.user.id].sort());
    for (const user of [ann, bob]) {
      expect(directViews.get(user.user.id)).toEqual(await chats.get(user.user.id, direct.id));
    }
    expect(directViews.get(bob.user.id)).toMatchObject({ title: 'Ann', unreadCount: 2 });

    // The global chat lists each user's own direct-chat peers first: views differ there too.
    const globalViews = await chats.viewsOf(GLOBAL_CHAT_ID, ids);
    expect(globalViews.size).toBe(4);
    for (const user of [ann, bob, cid, dan]) {
      expect(globalViews.get(user.user.id)).toEqual(await chats.get(user.user.id, GLOBAL_CHAT_ID));
    }
  });
});
