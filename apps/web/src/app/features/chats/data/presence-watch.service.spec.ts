import { TestBed } from '@angular/core/testing';
import { LIMITS } from '@chat/shared-types';
import {
  BOB,
  CAROL,
  setUpChatTesting,
  settle,
  type ChatTestContext,
} from '../../../../testing/chat-testing';
import { PresenceWatch } from './presence-watch.service';

describe('PresenceWatch', () => {
  let ctx: ChatTestContext;
  let watch: PresenceWatch;

  beforeEach(() => {
    ctx = setUpChatTesting([PresenceWatch]);
    watch = TestBed.inject(PresenceWatch);
    ctx.chatSocket.connect('token-1');
    ctx.socket.serverAccepts();
  });

  it('asks for the users on screen and shows who the ack says is online', async () => {
    watch.watch([BOB.id, CAROL.id]);
    const packet = ctx.socket.sentAt('presence:watch', 0);
    expect(packet.payload).toEqual({ userIds: [BOB.id, CAROL.id] });
    packet.ack({ ok: true, data: { online: [CAROL.id] } });
    await settle();

    // What the list said when it was fetched is only a fallback.
    expect(watch.online(BOB.id, true)).toBe(false);
    expect(watch.online(CAROL.id, false)).toBe(true);
    expect(watch.online('someone-else', true)).toBe(true);
  });

  it('follows presence:batch changes after the ack', async () => {
    watch.watch([BOB.id]);
    ctx.socket.sentAt('presence:watch', 0).ack({ ok: true, data: { online: [] } });
    await settle();
    ctx.socket.push('presence:batch', { changes: [{ userId: BOB.id, online: true }] });
    expect(watch.online(BOB.id, false)).toBe(true);
  });

  it('sends a list only when it changed, at most 500 ids, and again after a reconnection', async () => {
    watch.watch([BOB.id, CAROL.id]);
    watch.watch([CAROL.id, BOB.id, BOB.id]);
    expect(ctx.socket.sentOf('presence:watch')).toHaveLength(1);

    const many = Array.from({ length: LIMITS.presenceWatchMax + 20 }, (_, i) => `user-${i}`);
    watch.watch(many);
    expect(
      (ctx.socket.sentAt('presence:watch', 1).payload as { userIds: string[] }).userIds,
    ).toHaveLength(LIMITS.presenceWatchMax);

    ctx.socket.drop();
    ctx.socket.serverAccepts();
    await settle();
    expect(ctx.socket.sentOf('presence:watch')).toHaveLength(3);
  });

  it('ignores the ack of a list that was replaced before it came back', async () => {
    watch.watch([BOB.id]);
    watch.watch([CAROL.id]);
    ctx.socket.sentAt('presence:watch', 0).ack({ ok: true, data: { online: [BOB.id] } });
    await settle();
    expect(watch.online(BOB.id, false)).toBe(false);
  });
});
