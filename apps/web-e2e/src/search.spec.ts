import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { type ApiActor, openDirectChat, postMessage, registerActor } from './support/api-client';
import { BrowserSession, PHONE, launchBrowser } from './support/browser';
import { ChatUi } from './support/chat-ui';
import { eventually } from './support/eventually';
import { person } from './support/people';

const SCREENSHOT_DIR = resolve(__dirname, '../../../docs/screenshots');
const TOTAL = 120;
const TARGET = 60;
const line = (n: number) => `Standup note ${n}: nothing blocking`;
const FOUND = 'Budget for the Lviv offsite is approved, café booked';

/*
 * Maya searches her conversation with Liam for a message in the middle of a long history,
 * opens it, and reads on from there in both directions while Liam keeps writing.
 */
describe('search, and a chat opened at a hit', () => {
  const maya = person('Maya Chen');
  let liam: ApiActor;
  let mayaActor: ApiActor;
  let chatId: string;
  let browser: Browser;
  const sessions: BrowserSession[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    mayaActor = await registerActor(maya);
    liam = await registerActor(person('Liam Novak'));
    chatId = (await openDirectChat(liam, mayaActor)).id;
    for (let n = 1; n <= TOTAL; n++) {
      await postMessage(n % 2 ? liam : mayaActor, chatId, n === TARGET ? FOUND : line(n));
    }
  }, 120_000);

  afterAll(async () => {
    for (const session of sessions) await session.close();
    await browser?.close();
  });

  async function signedIn(viewport?: { width: number; height: number }): Promise<ChatUi> {
    const session = await BrowserSession.open(browser, viewport);
    sessions.push(session);
    const ui = new ChatUi(session.page);
    await ui.signIn(maya);
    return ui;
  }

  it('finds the message as she types, opens the chat there, and loads older and newer history around it', async () => {
    const ui = await signedIn();
    const { page } = ui;
    const field = page.getByRole('combobox', { name: 'Search messages' });

    await page.keyboard.press('Control+k');
    await eventually(async () =>
      expect(await field.evaluate((e) => e === document.activeElement)).toBe(true),
    );
    await field.pressSequentially('lviv CAFE', { delay: 30 });
    const hit = page.getByRole('option').filter({ hasText: 'Budget for the Lviv offsite' });
    await hit.waitFor();
    expect(await page.getByRole('option').count()).toBe(1);
    expect(await hit.locator('mark').allInnerTexts()).toEqual(['Lviv', 'café']);
    await page.screenshot({
      path: join(SCREENSHOT_DIR, 'search.png'),
      animations: 'disabled',
      caret: 'hide',
    });
    expect(statSync(join(SCREENSHOT_DIR, 'search.png')).size).toBeGreaterThan(10_000);

    await page.keyboard.press('Enter');
    await ui.waitForOpenChat('Liam Novak');
    const focused = ui.messageLog().locator('li.focused');
    await focused.waitFor();
    expect(await focused.innerText()).toContain(FOUND);
    // In view: inside the log's visible box.
    const logBox = await ui.messageLog().boundingBox();
    const box = await focused.boundingBox();
    expect(logBox && box).toBeTruthy();
    if (logBox && box) {
      expect(box.y).toBeGreaterThanOrEqual(logBox.y);
      expect(box.y + box.height).toBeLessThanOrEqual(logBox.y + logBox.height);
    }
    await page.screenshot({
      path: join(SCREENSHOT_DIR, 'search-open.png'),
      animations: 'disabled',
      caret: 'hide',
    });
    // Opened in the middle: neither end is loaded yet.
    expect(await ui.message(line(1)).count()).toBe(0);
    expect(await ui.message(line(TOTAL)).count()).toBe(0);

    // Scrolling up reaches the first message, scrolling down the newest.
    await eventually(async () => {
      await ui.messageLog().evaluate((e) => e.scrollTo({ top: 0 }));
      expect(await ui.message(line(1)).count()).toBe(1);
    });
    expect(await page.getByText('This is the beginning of the conversation.').count()).toBe(1);
    await eventually(async () => {
      await ui.messageLog().evaluate((e) => e.scrollTo({ top: e.scrollHeight }));
      expect(await ui.message(line(TOTAL)).count()).toBe(1);
    });
    const shown = await ui.messageLog().locator('li.msg').count();
    expect(shown).toBe(TOTAL);

    // The live tail still arrives, once.
    await postMessage(liam, chatId, 'Live after the jump');
    await ui.message('Live after the jump').waitFor();
    expect(await ui.messageLog().locator('li.msg').count()).toBe(TOTAL + 1);
  });

  it('searches only the open chat with "Search in this chat", and says when nothing matches', async () => {
    await postMessage(liam, 'all', 'Standup moved to 10:30 for everyone');
    const ui = await signedIn();
    const { page } = ui;
    await ui.openChat('Liam Novak');
    const field = page.getByRole('combobox', { name: 'Search messages' });
    await field.fill('standup moved');
    const inAll = page.getByRole('option').filter({ hasText: 'Standup moved to 10:30' });
    await inAll.waitFor();
    expect(await inAll.innerText()).toContain('All');

    const scope = page.getByRole('button', { name: /Search in this chat/ });
    await scope.click();
    await eventually(async () => expect(await scope.getAttribute('aria-pressed')).toBe('true'));
    await page.getByText('No messages match “standup moved”.').waitFor();
    await scope.click();
    await inAll.waitFor();
  });

  it('on a phone, results fill the screen and a hit opens the chat at the message', async () => {
    const ui = await signedIn(PHONE);
    const { page } = ui;
    await page.getByRole('combobox', { name: 'Search messages' }).fill('lviv offsite');
    const hit = page.getByRole('option').filter({ hasText: 'Budget for the Lviv offsite' });
    await hit.waitFor();
    const path = join(SCREENSHOT_DIR, 'search-phone.png');
    await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
    expect(statSync(path).size).toBeGreaterThan(10_000);
    await hit.click();
    await ui.waitForOpenChat('Liam Novak');
    await ui.messageLog().locator('li.focused').filter({ hasText: FOUND }).waitFor();
  });
});
