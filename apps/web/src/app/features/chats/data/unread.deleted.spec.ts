import { TestBed } from '@angular/core/testing';
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
  type ChatTestContext,
} from '../../../../testing/chat-testing';
import { UnreadService } from './unread.service';

describe('UnreadService (deleted messages)', () => {
  let ctx: ChatTestContext;
  let unread: UnreadService;
  const counted = message(DM_BOB, BOB);

  beforeEach(() => {
    ctx = setUpChatTesting([UnreadService]);
    unread = TestBed.inject(UnreadService);
    ctx.chatSocket.connect('token-1');
    ctx.socket.serverAccepts();
    unread.reset([
      chat(DM_BOB, BOB.fullName, [ME, BOB], { unreadCount: 1, lastMessage: counted }),
      chat(DM_CAROL, CAROL.fullName, [ME, CAROL]),
    ]);
  });

  afterEach(() => localStorage.clear());

  it('drops a live unread message once its sender deletes it', () => {
    const live = message(DM_CAROL, CAROL);
    ctx.socket.push('message:new', live);
    expect(unread.countFor(DM_CAROL)).toBe(1);

    ctx.socket.push('message:updated', { ...live, content: '', deleted: true, version: '9001' });
    expect(unread.countFor(DM_CAROL)).toBe(0);
    expect(unread.total()).toBe(1);
  });

  it("asks the server to count again when the deleted message was in the server's count", async () => {
    const refresh = firstValueFrom(unread.refreshNeeded$);
    ctx.socket.push('message:updated', { ...counted, content: '', deleted: true, version: '9002' });
    await expect(refresh).resolves.toBeUndefined();
  });

  it('ignores edits and reactions', () => {
    const live = message(DM_CAROL, CAROL);
    ctx.socket.push('message:new', live);
    ctx.socket.push('message:updated', { ...live, content: 'edited', version: '9003' });
    expect(unread.countFor(DM_CAROL)).toBe(1);
  });
});
