import { TestBed } from '@angular/core/testing';
import type { ChatMember, MembersPage } from '@chat/shared-types';
import { vi } from 'vitest';
import {
  BOB,
  CAROL,
  ME,
  setUpChatTesting,
  type ChatTestContext,
} from '../../../../testing/chat-testing';
import { MEMBER_SEARCH_DEBOUNCE_MS, MembersStore } from './members.store';

const member = (user: typeof ME): ChatMember => ({ ...user, lastReadId: null, role: 'member' });

describe('MembersStore', () => {
  let ctx: ChatTestContext;
  let store: MembersStore;

  beforeEach(() => {
    vi.useFakeTimers();
    ctx = setUpChatTesting([MembersStore]);
    store = TestBed.inject(MembersStore);
  });

  afterEach(() => {
    ctx.http.verify();
    vi.useRealTimers();
  });

  const answer = (url: string, page: MembersPage) => {
    const request = ctx.http.expectOne((r) => r.url === url);
    request.flush(page);
    return request.request.params;
  };

  it('searches once typing pauses, then appends the next page from the cursor', () => {
    store.search('all', 'a');
    store.search('all', 'ad');
    vi.advanceTimersByTime(MEMBER_SEARCH_DEBOUNCE_MS);
    const first = answer('/api/chats/all/members', {
      members: [member(ME)],
      nextCursor: 'c1',
    });
    expect(first.get('search')).toBe('ad');
    expect(store.members().map((m) => m.id)).toEqual([ME.id]);
    expect(store.hasMore()).toBe(true);

    store.more();
    store.more();
    const second = answer('/api/chats/all/members', {
      members: [member(BOB)],
      nextCursor: null,
    });
    expect(second.get('after')).toBe('c1');
    expect(store.members().map((m) => m.id)).toEqual([ME.id, BOB.id]);
    expect(store.hasMore()).toBe(false);
    store.more();
  });

  it('drops a page that arrives for a search the user has replaced', () => {
    store.search('all', '');
    vi.advanceTimersByTime(MEMBER_SEARCH_DEBOUNCE_MS);
    answer('/api/chats/all/members', { members: [member(ME)], nextCursor: 'c1' });

    store.more();
    const late = ctx.http.expectOne((r) => r.params.get('after') === 'c1');
    store.search('all', 'car');
    vi.advanceTimersByTime(MEMBER_SEARCH_DEBOUNCE_MS);
    answer('/api/chats/all/members', { members: [member(CAROL)], nextCursor: null });
    late.flush({ members: [member(BOB)], nextCursor: null });

    expect(store.members().map((m) => m.id)).toEqual([CAROL.id]);
  });

  it('says why when a page cannot be loaded', () => {
    store.search('all', 'x');
    vi.advanceTimersByTime(MEMBER_SEARCH_DEBOUNCE_MS);
    ctx.http
      .expectOne((r) => r.url === '/api/chats/all/members')
      .flush(
        { statusCode: 403, error: 'forbidden', message: 'Not a member' },
        { status: 403, statusText: 'Forbidden' },
      );
    expect(store.status()).toBe('error');
    expect(store.error()).toBeTruthy();
  });

  it('reloads the shown search from its first page when the members changed', () => {
    store.search('g:team', 'b');
    vi.advanceTimersByTime(MEMBER_SEARCH_DEBOUNCE_MS);
    answer('/api/chats/g%3Ateam/members', { members: [member(BOB)], nextCursor: 'c1' });
    store.more();
    answer('/api/chats/g%3Ateam/members', { members: [member(CAROL)], nextCursor: null });

    store.reload();
    const again = answer('/api/chats/g%3Ateam/members', {
      members: [{ ...member(BOB), role: 'admin' }],
      nextCursor: null,
    });

    expect(again.get('search')).toBe('b');
    expect(again.has('after')).toBe(false);
    expect(store.members().map((m) => [m.id, m.role])).toEqual([[BOB.id, 'admin']]);
  });
});
