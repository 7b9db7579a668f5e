import type { Browser } from 'playwright-core';
import { BrowserSession, launchBrowser } from './support/browser';
import { ChatUi, GLOBAL_CHAT } from './support/chat-ui';
import { eventually, sleep } from './support/eventually';
import { person } from './support/people';

/*
 * Two people, each in a browser context of their own, go through a conversation step by step;
 * each test builds on the state the previous one left.
 */
describe('two people chatting in two browsers', () => {
  const ada = person('Ada Lovelace');
  const grace = person('Grace Hopper');
  let browser: Browser;
  let adaSession: BrowserSession;
  let graceSession: BrowserSession;
  let adaUi: ChatUi;
  let graceUi: ChatUi;

  beforeAll(async () => {
    browser = await launchBrowser();
    adaSession = await BrowserSession.open(browser);
    graceSession = await BrowserSession.open(browser);
    adaUi = new ChatUi(adaSession.page);
    graceUi = new ChatUi(graceSession.page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('registers both people, each landing on a chat list that holds the global chat', async () => {
    await adaUi.register(ada);
    await graceUi.register(grace);

    for (const ui of [adaUi, graceUi]) {
      await ui.chatLink(GLOBAL_CHAT).waitFor();
      expect(await ui.chatTitles()).toEqual([GLOBAL_CHAT]);
    }
  });

  it("finds the other in All's member list by name, online, before any direct chat", async () => {
    await adaUi.openChat(GLOBAL_CHAT);
    const page = adaUi.page;
    await page.getByRole('button', { name: 'Members' }).click();
    await page.getByRole('searchbox', { name: 'Search members' }).fill(grace.login);
    const row = page.getByRole('list', { name: 'Members' }).getByRole('listitem');
    await eventually(async () =>
      expect(await row.allInnerTexts()).toEqual([expect.stringContaining(grace.fullName)]),
    );
    // Presence of someone Ada shares only All with comes from watching the rows on screen.
    await eventually(async () => expect(await row.locator('.presence.on').count()).toBe(1));
    await page.getByRole('button', { name: 'Members' }).click();
  });

  it('shows a new direct chat to the peer live, without a reload', async () => {
    await adaUi.startDirectChat(grace);
    expect(adaUi.page.url()).toMatch(/\/chats\/dm%3A|\/chats\/dm:/);
    await adaUi.chatLink(grace.fullName).waitFor();

    await graceUi.chatLink(ada.fullName).waitFor();
    expect(await graceUi.chatTitles()).toEqual([GLOBAL_CHAT, ada.fullName]);
    expect(await graceUi.unreadCount(ada.fullName)).toBe(0);
  });

  it('delivers a message live and badges it "1 unread" until the chat is opened', async () => {
    const hello = 'Hi Grace! Do you have a minute for the compiler review?';
    await adaUi.send(hello);

    await graceUi.expectUnread(ada.fullName, 1);
    await expect(graceUi.unreadBadge(ada.fullName).getAttribute('aria-label')).resolves.toBe(
      '1 unread',
    );
    await expect(graceUi.chatEntry(ada.fullName).innerText()).resolves.toContain(hello);

    await graceUi.openChat(ada.fullName);
    await graceUi.expectMessageCount(hello, 1);
    await graceUi.expectUnread(ada.fullName, 0);

    // The reply arrives in Ada's open chat, which therefore never shows a badge for it.
    const reply = 'Sure, send it over.';
    await graceUi.send(reply);
    await adaUi.expectMessageCount(reply, 1);
    await sleep(500);
    expect(await adaUi.unreadCount(grace.fullName)).toBe(0);
  });

  it('keeps history, chats and unread badges across a reload', async () => {
    await graceUi.openChat(GLOBAL_CHAT);
    const followUp = 'It is the new linker pass, about 300 lines.';
    await adaUi.send(followUp);
    await graceUi.expectUnread(ada.fullName, 1);

    await graceUi.page.reload();
    await graceUi.waitForOpenChat(GLOBAL_CHAT);
    await graceUi.chatLink(ada.fullName).waitFor();
    expect(await graceUi.chatTitles()).toEqual([GLOBAL_CHAT, ada.fullName]);
    await graceUi.expectUnread(ada.fullName, 1);

    await adaUi.page.reload();
    await adaUi.waitForOpenChat(grace.fullName);
    const history = [
      'Hi Grace! Do you have a minute for the compiler review?',
      'Sure, send it over.',
      followUp,
    ];
    for (const content of history) await adaUi.expectMessageCount(content, 1);
    await expect(adaUi.messageLog().innerText()).resolves.toMatch(
      new RegExp(history.map(escapeRegExp).join('[\\s\\S]*')),
    );

    await graceUi.openChat(ada.fullName);
    for (const content of history) await graceUi.expectMessageCount(content, 1);
    await graceUi.expectUnread(ada.fullName, 0);

    // Read state lives on the server: the badge stays gone after another reload.
    await graceUi.page.reload();
    await graceUi.waitForOpenChat(ada.fullName);
    await graceUi.openChat(GLOBAL_CHAT);
    await sleep(500);
    expect(await graceUi.unreadCount(ada.fullName)).toBe(0);
    await graceUi.openChat(ada.fullName);
  });

  it('delivers what was sent while the peer was offline once they are back, exactly once', async () => {
    expect(await adaUi.showsOnline(grace.fullName)).toBe(true);
    await graceSession.goOffline();
    await graceUi.reconnectBanner().waitFor({ state: 'visible' });
    // Ada sees Grace go offline once the server's grace period for a reload is over.
    await eventually(async () => expect(await adaUi.showsOnline(grace.fullName)).toBe(false));

    const whileAway = 'Sent while you were offline: the review is at 3 pm.';
    await adaUi.send(whileAway);
    // Grace's own message, typed during the outage, goes out when she is back.
    const queued = 'Typed on the train, with no signal.';
    await graceUi.send(queued);
    await sleep(1_500);
    expect(await graceUi.message(whileAway).count()).toBe(0);
    expect(await adaUi.message(queued).count()).toBe(0);

    await graceSession.goOnline();
    await graceUi.reconnectBanner().waitFor({ state: 'hidden', timeout: 30_000 });
    await eventually(async () => expect(await adaUi.showsOnline(grace.fullName)).toBe(true));
    await graceUi.expectMessageCount(whileAway, 1, 30_000);
    await adaUi.expectMessageCount(queued, 1, 30_000);

    // Nothing arrives twice once the catch-up and any live copies have settled.
    await sleep(2_000);
    expect(await graceUi.message(whileAway).count()).toBe(1);
    expect(await graceUi.message(queued).count()).toBe(1);
    expect(await adaUi.message(queued).count()).toBe(1);
    expect(await adaUi.message(whileAway).count()).toBe(1);
  });

  it('reaches both people through the global chat', async () => {
    await adaUi.openChat(GLOBAL_CHAT);
    const announcement = 'Morning, everyone! Stand-up moves to 10:30 today.';
    await adaUi.send(announcement);

    await graceUi.expectUnread(GLOBAL_CHAT, 1);
    await graceUi.openChat(GLOBAL_CHAT);
    await graceUi.expectMessageCount(announcement, 1);
    await graceUi.expectUnread(GLOBAL_CHAT, 0);

    const answer = 'Thanks for the heads-up, Ada.';
    await graceUi.send(answer);
    await adaUi.expectMessageCount(answer, 1);
    await eventually(async () =>
      expect(await adaUi.messageLog().innerText()).toContain(grace.fullName),
    );
  });

  it('raised no console errors, uncaught exceptions or dialogs on either side', () => {
    expect({ ada: adaSession.problems, grace: graceSession.problems }).toEqual({
      ada: [],
      grace: [],
    });
    expect([...adaSession.dialogs, ...graceSession.dialogs]).toEqual([]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
