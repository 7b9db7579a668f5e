import type { Locator, Page } from 'playwright-core';
import { baseUrl } from './e2e-state';
import { eventually } from './eventually';
import type { Person } from './people';

/** The global chat's title. */
export const GLOBAL_CHAT = 'All';

/** The chat app as a signed-in (or signing-in) person sees it, found by roles and labels only. */
export class ChatUi {
  constructor(readonly page: Page) {}

  async goto(path: string): Promise<void> {
    await this.page.goto(new URL(path, baseUrl()).toString());
  }

  async register(person: Person): Promise<void> {
    await this.goto('/register');
    await this.page.getByLabel('Login', { exact: true }).fill(person.login);
    await this.page.getByLabel('Full name', { exact: true }).fill(person.fullName);
    await this.page.getByLabel('Password', { exact: true }).fill(person.password);
    await this.page.getByRole('button', { name: 'Register', exact: true }).click();
    await this.chatList().waitFor();
  }

  async signIn(person: Person): Promise<void> {
    await this.goto('/login');
    await this.page.getByLabel('Login', { exact: true }).fill(person.login);
    await this.page.getByLabel('Password', { exact: true }).fill(person.password);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await this.chatList().waitFor();
  }

  chatList(): Locator {
    return this.page.getByRole('navigation', { name: 'Chats' });
  }

  chatLink(title: string): Locator {
    return this.chatList().getByRole('link', { name: title, exact: true });
  }

  /** The list entry that holds the chat's link, its preview and its badge. */
  chatEntry(title: string): Locator {
    const link = this.page.getByRole('link', { name: title, exact: true });
    return this.chatList().getByRole('listitem').filter({ has: link });
  }

  unreadBadge(title: string): Locator {
    return this.chatEntry(title).getByRole('img', { name: /^\d+ unread$/ });
  }

  /** Whether a direct chat's entry shows its person online (the avatar's presence dot). */
  async showsOnline(title: string): Promise<boolean> {
    return (await this.chatEntry(title).locator('.presence.on').count()) > 0;
  }

  /** The titles in the chat list, top to bottom. */
  async chatTitles(): Promise<string[]> {
    return (await this.chatList().getByRole('link').allInnerTexts()).map((t) => t.trim());
  }

  /** The chat's unread count as its badge announces it; 0 without a badge. */
  async unreadCount(title: string): Promise<number> {
    const badges = this.unreadBadge(title);
    if ((await badges.count()) === 0) return 0;
    const name = (await badges.first().getAttribute('aria-label')) ?? '';
    return Number(/^(\d+) unread$/.exec(name)?.[1] ?? NaN);
  }

  chatHeading(): Locator {
    return this.page.getByRole('heading', { level: 2 });
  }

  messageLog(): Locator {
    return this.page.getByRole('log');
  }

  /** Messages in the open chat whose whole text is `content`. */
  message(content: string): Locator {
    return this.messageLog().getByText(content, { exact: true });
  }

  composer(): Locator {
    return this.page.getByRole('textbox', { name: 'Message', exact: true });
  }

  reconnectBanner(): Locator {
    return this.page.getByRole('status');
  }

  async openChat(title: string): Promise<void> {
    await this.chatLink(title).click();
    await this.waitForOpenChat(title);
  }

  async waitForOpenChat(title: string): Promise<void> {
    await this.page
      .getByRole('heading', { level: 2, name: title, exact: true })
      .waitFor({ state: 'visible' });
    await this.composer().waitFor();
  }

  /** New chat, find the peer by login in `Search people`, pick them: their chat opens. */
  async startDirectChat(peer: Person): Promise<void> {
    await this.page.getByRole('button', { name: 'New chat', exact: true }).click();
    await this.page.getByRole('searchbox', { name: 'Search people' }).fill(peer.login);
    await this.page
      .getByRole('button')
      .filter({ hasText: `@${peer.login}` })
      .click();
    await this.waitForOpenChat(peer.fullName);
  }

  /** New group: names it, picks each person by login, creates it; the group opens. */
  async createGroup(title: string, people: readonly Person[]): Promise<void> {
    await this.page.getByRole('button', { name: 'New group', exact: true }).click();
    await this.page.getByLabel('Group name', { exact: true }).fill(title);
    for (const person of people) await this.pick(person);
    await this.page.getByRole('button', { name: 'Create group', exact: true }).click();
    await this.waitForOpenChat(title);
  }

  /** In a people picker (New group, Add people): finds the person by login and ticks them. */
  async pick(person: Person): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search people' }).fill(person.login);
    await this.page.getByRole('checkbox', { name: `@${person.login}` }).check();
  }

  /** The open group's details panel. */
  groupDetails(): Locator {
    return this.page.getByRole('dialog', { name: /Group details|Add people/ });
  }

  async openGroupDetails(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Group details', exact: true }).click();
    await this.groupDetails().waitFor();
    return this.groupDetails();
  }

  /** The row of a member in the open details panel. */
  memberRow(person: Person): Locator {
    return this.groupDetails()
      .getByRole('listitem')
      .filter({ hasText: `@${person.login}` });
  }

  /** The open chat's group events (system notes), whose whole text is `content`. */
  systemNote(content: string | RegExp): Locator {
    return this.messageLog().locator('li.system-note').filter({ hasText: content });
  }

  /** Types into the composer and presses Send; resolves once the message shows in the log. */
  async send(content: string): Promise<void> {
    await this.composer().fill(content);
    await this.page.getByRole('button', { name: 'Send', exact: true }).click();
    await this.message(content).first().waitFor();
  }

  /** Waits until exactly `count` messages read `content`. */
  async expectMessageCount(content: string, count: number, timeoutMs?: number): Promise<void> {
    await eventually(
      async () => expect(await this.message(content).count()).toBe(count),
      timeoutMs,
    );
  }

  async expectUnread(title: string, count: number, timeoutMs?: number): Promise<void> {
    await eventually(async () => expect(await this.unreadCount(title)).toBe(count), timeoutMs);
  }
}
