import type { HistoryPage } from '@chat/shared-types';
import { BOB, DM_BOB, ME, message, settle } from '../../../../testing/chat-testing';
import { setUpMessaging, type MessagingTestContext } from '../../../../testing/messaging-testing';
import type { MessagesStore } from './messages.store';

describe('MessagesStore (a chat opened at a message)', () => {
  let ctx: MessagingTestContext;
  let store: MessagesStore;
  const shown = () =>
    store
      .conversation(DM_BOB, ME)()
      .map((entry) => entry.content);

  /** Answers the one waiting history request and returns its query parameters. */
  function answer(page: HistoryPage): Record<string, string | null> {
    const [request] = ctx.historyRequests(DM_BOB);
    if (!request) throw new Error('no history request');
    const params = request.request.params;
    request.flush(page);
    return { around: params.get('around'), after: params.get('after') };
  }

  beforeEach(() => {
    ctx = setUpMessaging();
    store = ctx.store;
  });

  afterEach(() => localStorage.clear());

  it('loads the page around the message, then newer pages down to the live tail, and live messages only once it is reached', async () => {
    const m = (n: number) => message(DM_BOB, BOB, { content: `m${n}` });
    const [m1, m2, m3, m4, m5] = [m(1), m(2), m(3), m(4), m(5)];
    const opened = store.openAt(DM_BOB, m2.id);
    expect(answer({ messages: [m1, m2, m3], hasMore: true, hasMoreAfter: true })).toEqual({
      around: m2.id,
      after: null,
    });
    await opened;
    expect(shown()).toEqual(['m1', 'm2', 'm3']);
    expect(store.history(DM_BOB)).toMatchObject({ hasMore: true, hasMoreAfter: true });

    // Arrives live while the window is short of the tail: not shown next to m3 (m4 is missing).
    const live = message(DM_BOB, BOB, { content: 'live' });
    ctx.socket.push('message:new', live);
    expect(shown()).toEqual(['m1', 'm2', 'm3']);

    const newer = store.loadNewer(DM_BOB);
    expect(answer({ messages: [m4, m5], hasMore: false })).toEqual({ around: null, after: m3.id });
    await newer;
    expect(shown()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'live']);
    expect(store.history(DM_BOB)?.hasMoreAfter).toBe(false);

    // At the tail now: live messages go straight in.
    ctx.socket.push('message:new', message(DM_BOB, BOB, { content: 'later' }));
    expect(shown()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'live', 'later']);
  });

  it('fetches nothing when the message is already held, and goes back to the newest page on request', async () => {
    const [m1, m2] = [message(DM_BOB, BOB), message(DM_BOB, BOB)];
    const opened = store.open(DM_BOB);
    answer({ messages: [m1, m2], hasMore: false });
    await opened;

    await store.openAt(DM_BOB, m1.id);
    expect(ctx.historyRequests(DM_BOB)).toHaveLength(0);

    const old = message(DM_BOB, BOB, { content: 'old' });
    const jumped = store.openAt(DM_BOB, '5');
    answer({ messages: [old], hasMore: false, hasMoreAfter: true });
    await jumped;
    expect(shown()).toEqual(['old']);

    const latest = store.openLatest(DM_BOB);
    expect(answer({ messages: [m1, m2], hasMore: false })).toEqual({ around: null, after: null });
    await latest;
    await settle();
    expect(shown()).toEqual([m1.content, m2.content]);
    expect(store.history(DM_BOB)?.hasMoreAfter).toBe(false);
  });
});
