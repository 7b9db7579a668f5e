import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { ChatList, type ChatListItem } from './chat-list';

const item = (overrides: Partial<ChatListItem>): ChatListItem => ({
  id: 'all',
  title: 'All',
  kind: 'global',
  online: null,
  peerId: '',
  preview: 'Bob: hi',
  typing: false,
  time: '9:15 AM',
  timestamp: '2026-01-01T09:15:00.000Z',
  unread: 0,
  active: false,
  ...overrides,
});

describe('ChatList', () => {
  async function render(items: ChatListItem[]): Promise<HTMLElement> {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(ChatList);
    fixture.componentRef.setInput('items', items);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('is a navigation landmark named Chats whose links are named by the chat title only', async () => {
    const element = await render([
      item({}),
      item({ id: 'dm:a:b', title: 'Bob Stone', kind: 'direct', online: true, unread: 3 }),
    ]);

    const nav = element.querySelector('nav');
    expect(nav?.getAttribute('aria-label')).toBe('Chats');
    const links = Array.from(element.querySelectorAll('a'));
    expect(links.map((link) => link.textContent?.trim())).toEqual(['All', 'Bob Stone']);
    expect(links[1]?.getAttribute('href')).toBe('/chats/dm:a:b');
  });

  it('shows an unread badge named "<n> unread" beside the link, not inside it', async () => {
    const element = await render([
      item({ unread: 0 }),
      item({ id: 'x', title: 'Carol', unread: 3 }),
    ]);

    const badges = Array.from(element.querySelectorAll('[aria-label$=" unread"]'));
    expect(badges.map((badge) => badge.getAttribute('aria-label'))).toEqual(['3 unread']);
    expect(badges[0]?.closest('a')).toBeNull();
  });

  it('counts up to 999 and says 999+ above, as far as the server counts', async () => {
    const element = await render([
      item({ unread: 999 }),
      item({ id: 'x', title: 'Carol', unread: 1000 }),
    ]);

    const badges = Array.from(element.querySelectorAll('[aria-label$=" unread"]'));
    expect(
      badges.map((badge) => [badge.textContent?.trim(), badge.getAttribute('aria-label')]),
    ).toEqual([
      ['999', '999 unread'],
      ['999+', 'more than 999 unread'],
    ]);
  });

  it('renders message previews as text, never as markup', async () => {
    const element = await render([item({ preview: '<img src=x onerror=alert(1)>' })]);

    expect(element.querySelector('img')).toBeNull();
    expect(element.textContent).toContain('<img src=x onerror=alert(1)>');
  });
});
