import { TestBed } from '@angular/core/testing';
import type { Chat } from '@chat/shared-types';
import { firstValueFrom } from 'rxjs';
import {
  BOB,
  CAROL,
  DM_BOB,
  DM_CAROL,
  ME,
  chat,
  message,
  setUpChatTesting,
  settle,
  type ChatTestContext,
} from '../../../../testing/chat-testing';
import { ChatsStore } from './chats.store';
import { UnreadService } from './unread.service';

describe('UnreadService', () => {
  let ctx: ChatTestContext;
  let unread: UnreadService;

  const lastInBob = message(DM_BOB, BOB);
  const lastInAll = message('all', CAROL);
  const serverChats = (): Chat[] => [
    chat('all', 'All', [ME, BOB, CAROL], { unreadCount: 2, lastMessage: lastInAll }),
    chat(DM_BOB, BOB.fullName, [ME, BOB], { unreadCount: 1, lastMessage: lastInBob }),
    chat(DM_CAROL, CAROL.fullName, [ME, CAROL]),
  ];

  beforeEach(() => {
    ctx = setUpChatTesting([UnreadService]);
    unread = TestBed.inject(UnreadService);
    ctx.chatSocket.connect('token-1');
    ctx.socket.serverAccepts();
    unread.reset(serverChats());
  });

  afterEach(() => localStorage.clear());

  it("starts from the server's counts, per chat and in total", async () => {
    expect(unread.countFor('all')).toBe(2);
    expect(unread.countFor(DM_BOB)).toBe(1);
    expect(unread.countFor(DM_CAROL)).toBe(0);
    expect(unread.total()).toBe(3);
    await expect(firstValueFrom(unread.total$)).resolves.toBe(3);
    await expect(firstValueFrom(unread.countFor$(DM_BOB))).resolves.toBe(1);
  });

  it('counts new messages from others in chats that are not open, each message once', () => {
    const fresh = message(DM_CAROL, CAROL);

    ctx.socket.push('message:new', fresh);
    ctx.socket.push('message:new', fresh);
    ctx.socket.push('message:new', message(DM_CAROL, ME));
    ctx.socket.push('message:new', lastInBob);

    expect(unread.countFor(DM_CAROL)).toBe(1);
    expect(unread.countFor(DM_BOB)).toBe(1);
    expect(unread.total()).toBe(4);
  });

  it('never counts the chat that is open in a visible tab', () => {
    unread.setViewing({ chatId: DM_BOB, seenUpToId: null });

    ctx.socket.push('message:new', message(DM_BOB, BOB));

    expect(unread.countFor(DM_BOB)).toBe(0);
    expect(unread.total()).toBe(2);
  });

  it('counts the open chat while the tab is hidden, and reads it when the user looks again', () => {
    ctx.visible.next(false);
    unread.setViewing({ chatId: DM_BOB, seenUpToId: lastInBob.id });
    const whileAway = message(DM_BOB, BOB);

    ctx.socket.push('message:new', whileAway);
    unread.setViewing({ chatId: DM_BOB, seenUpToId: whileAway.id });
    expect(unread.countFor(DM_BOB)).toBe(2);
    expect(ctx.socket.sentOf('chat:read')).toHaveLength(0);

    ctx.visible.next(true);

    expect(unread.countFor(DM_BOB)).toBe(0);
    expect(ctx.socket.sentOf('chat:read').map((p) => p.payload)).toEqual([
      { chatId: DM_BOB, upToId: whileAway.id },
    ]);
  });

  it('clears a chat once its newest message is on screen, telling the server once', () => {
    unread.setViewing({ chatId: 'all', seenUpToId: null });
    expect(ctx.socket.sentOf('chat:read')).toHaveLength(0);

    unread.setViewing({ chatId: 'all', seenUpToId: lastInAll.id });
    unread.setViewing({ chatId: 'all', seenUpToId: lastInAll.id });
    unread.setViewing(null);

    expect(unread.countFor('all')).toBe(0);
    expect(unread.total()).toBe(1);
    expect(ctx.socket.sentOf('chat:read').map((p) => p.payload)).toEqual([
      { chatId: 'all', upToId: lastInAll.id },
    ]);
  });

  it('applies a read from another tab or device of the same user, but not from others', () => {
    const later = message('all', BOB);
    ctx.socket.push('message:new', later);
    expect(unread.countFor('all')).toBe(3);

    ctx.socket.push('chat:read', { chatId: 'all', userId: BOB.id, upToId: later.id });
    expect(unread.countFor('all')).toBe(3);

    ctx.socket.push('chat:read', { chatId: 'all', userId: ME.id, upToId: later.id });
    expect(unread.countFor('all')).toBe(0);
    expect(unread.total()).toBe(1);
  });

  it('keeps live messages newer than what another tab read', () => {
    const first = message(DM_CAROL, CAROL);
    const second = message(DM_CAROL, CAROL);
    ctx.socket.push('message:new', first);
    ctx.socket.push('message:new', second);

    ctx.socket.push('chat:read', { chatId: DM_CAROL, userId: ME.id, upToId: first.id });

    expect(unread.countFor(DM_CAROL)).toBe(1);
  });

  it('asks for fresh counts when a read covers only part of what the server counted', async () => {
    let refreshes = 0;
    unread.refreshNeeded$.subscribe(() => refreshes++);

    ctx.socket.push('chat:read', { chatId: 'all', userId: ME.id, upToId: '1' });
    await settle();

    expect(refreshes).toBe(1);
  });
});

describe('UnreadService with the chat list', () => {
  afterEach(() => localStorage.clear());

  it('refreshes every count from the server when the connection comes back', () => {
    const ctx = setUpChatTesting([UnreadService, ChatsStore]);
    const unread = TestBed.inject(UnreadService);
    TestBed.inject(ChatsStore);
    ctx.chatSocket.connect('token-1');
    const bobSays = message(DM_BOB, BOB);
    ctx.http
      .expectOne('/api/chats')
      .flush([chat(DM_BOB, BOB.fullName, [ME, BOB], { unreadCount: 1, lastMessage: bobSays })]);
    expect(unread.total()).toBe(1);

    ctx.socket.serverAccepts();
    ctx.socket.drop();
    ctx.socket.serverAccepts();
    // Missed while offline: the server now counts 4, and another tab read the rest elsewhere.
    const requests = ctx.http.match('/api/chats');
    expect(requests.length).toBeGreaterThan(0);
    requests.at(-1)?.flush([
      chat(DM_BOB, BOB.fullName, [ME, BOB], {
        unreadCount: 4,
        lastMessage: message(DM_BOB, BOB),
      }),
      chat(DM_CAROL, CAROL.fullName, [ME, CAROL], { unreadCount: 2 }),
    ]);

    expect(unread.countFor(DM_BOB)).toBe(4);
    expect(unread.countFor(DM_CAROL)).toBe(2);
    expect(unread.total()).toBe(6);
    ctx.http.verify();
  });
});
