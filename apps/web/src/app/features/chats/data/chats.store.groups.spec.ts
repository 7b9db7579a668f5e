import { TestBed } from '@angular/core/testing';
import type { Chat, SystemEvent } from '@chat/shared-types';
import {
  BOB,
  CAROL,
  ME,
  chat,
  message,
  setUpChatTesting,
  type ChatTestContext,
} from '../../../../testing/chat-testing';
import { ChatsStore } from './chats.store';
import { UnreadService } from './unread.service';

const GROUP = 'g:team';
const renamedEvent: SystemEvent = { type: 'renamed', actorId: BOB.id, userIds: [], title: 'B' };

describe('ChatsStore and UnreadService with groups', () => {
  let ctx: ChatTestContext;
  let store: ChatsStore;
  let unread: UnreadService;

  const group = (overrides: Partial<Chat> = {}): Chat =>
    chat(GROUP, 'Team', [ME, BOB, CAROL], { kind: 'group', ...overrides });

  beforeEach(() => {
    ctx = setUpChatTesting([UnreadService, ChatsStore]);
    unread = TestBed.inject(UnreadService);
    store = TestBed.inject(ChatsStore);
    ctx.chatSocket.connect('token-1');
    ctx.socket.serverAccepts();
    // The start and the connection each ask; the second replaces the first.
    for (const request of ctx.http.match('/api/chats').filter((r) => !r.cancelled)) {
      request.flush([chat('all', 'All', [ME, BOB, CAROL]), group()]);
    }
  });

  afterEach(() => ctx.http.verify());

  it('renames a group live (chat:updated) and adds one it is given (chat:created)', () => {
    ctx.socket.push('chat:updated', group({ title: 'Launch crew' }));
    ctx.socket.push('chat:created', chat('g:new', 'New one', [ME, BOB], { kind: 'group' }));

    expect(store.chat(GROUP)?.title).toBe('Launch crew');
    expect(store.chats().map((c) => c.title)).toEqual(
      expect.arrayContaining(['All', 'New one', 'Launch crew']),
    );
    expect(store.chats()).toHaveLength(3);
  });

  it('drops a group on chat:removed, remembering its title for the open conversation', () => {
    ctx.socket.push('message:new', message(GROUP, BOB));
    expect(unread.countFor(GROUP)).toBe(1);

    ctx.socket.push('chat:removed', { chatId: GROUP });

    expect(store.chat(GROUP)).toBeUndefined();
    expect(store.removedTitle(GROUP)).toBe('Team');
    expect(unread.countFor(GROUP)).toBe(0);
    expect(unread.total()).toBe(0);

    // Added back later: it is a member's chat again.
    ctx.socket.push('chat:created', group());
    expect(store.removedTitle(GROUP)).toBeNull();
    expect(store.chat(GROUP)?.title).toBe('Team');
  });

  it('never counts a system message as unread; a message from someone does count', () => {
    ctx.socket.push('message:new', message(GROUP, BOB, { system: renamedEvent }));
    expect(unread.countFor(GROUP)).toBe(0);

    ctx.socket.push('message:new', message(GROUP, BOB));
    expect(unread.countFor(GROUP)).toBe(1);
  });

  it("keeps each other member's read mark, from the list and from chat:read, only moving on", () => {
    ctx.socket.push(
      'chat:updated',
      group({
        members: [
          { ...ME, lastReadId: '50', role: 'owner' },
          { ...BOB, lastReadId: '40', role: 'member' },
          { ...CAROL, lastReadId: null, role: 'member' },
        ],
      }),
    );
    ctx.socket.push('chat:read', { chatId: GROUP, userId: CAROL.id, upToId: '45' });
    ctx.socket.push('chat:read', { chatId: GROUP, userId: BOB.id, upToId: '30' });
    ctx.socket.push('chat:read', { chatId: GROUP, userId: ME.id, upToId: '60' });

    expect(store.memberReads(GROUP)).toEqual({ [BOB.id]: '40', [CAROL.id]: '45' });
  });
});
