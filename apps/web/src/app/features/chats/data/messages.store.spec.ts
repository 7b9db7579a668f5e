import type { HistoryPage } from '@chat/shared-types';
import { BOB, DM_BOB, ME, message, settle } from '../../../../testing/chat-testing';
import { setUpMessaging, type MessagingTestContext } from '../../../../testing/messaging-testing';
import type { MessagesStore } from './messages.store';

describe('MessagesStore (history and catch-up)', () => {
  let ctx: MessagingTestContext;
  let store: MessagesStore;
  const shown = () =>
    store
      .conversation(DM_BOB, ME)()
      .map((entry) => entry.content);

  function answer(page: HistoryPage): string {
    const [request] = ctx.historyRequests(DM_BOB);
    if (!request) throw new Error('no history request');
    const after = request.request.params.get('after') ?? '';
    request.flush(page);
    return after;
  }

  beforeEach(() => {
    ctx = setUpMessaging();
    store = ctx.store;
  });

  afterEach(() => localStorage.clear());

  it('after a reconnection, recovers a message that was lost while a newer one arrived live', async () => {
    const first = message(DM_BOB, BOB, { content: 'first' });
    const opened = store.open(DM_BOB);
    answer({ messages: [first], hasMore: false });
    await opened;

    // The connection (or another instance's broadcast) loses `lost`; `later` arrives live.
    const lost = message(DM_BOB, BOB, { content: 'lost on the way' });
    const later = message(DM_BOB, BOB, { content: 'arrived live' });
    ctx.socket.push('message:new', later);
    expect(shown()).toEqual(['first', 'arrived live']);

    ctx.socket.drop();
    ctx.socket.serverAccepts();
    await settle();
    const cursor = answer({ messages: [lost, later], hasMore: false });
    await settle();

    expect(cursor).toBe(first.id);
    expect(shown()).toEqual(['first', 'lost on the way', 'arrived live']);
  });
});
