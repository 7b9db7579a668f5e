import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { openDirectChat, postMessage, registerActor } from './support/api-client';
import { BrowserSession, DESKTOP, PHONE, launchBrowser } from './support/browser';
import { ChatUi } from './support/chat-ui';
import { eventually, sleep } from './support/eventually';
import { person } from './support/people';

const SCREENSHOT_DIR = resolve(__dirname, '../../../docs/screenshots');

/** What a person sees of one message: the parts that edits, deletions and reactions change. */
interface SeenMessage {
  text: string;
  deleted: boolean;
  edited: boolean;
  quote: string | null;
  reactions: string[];
}

/*
 * Reply, edit, delete and react between Ada (desktop) and Grace (phone), live; Grace's laptop,
 * a third browser, is offline while they change things and must show the same chat once back.
 */
describe('messages that change, in three browsers', () => {
  const ada = person('Ada Lovelace');
  const grace = person('Grace Hopper');
  let browser: Browser;
  const sessions: BrowserSession[] = [];
  let adaUi: ChatUi;
  let phoneUi: ChatUi;
  let laptop: BrowserSession;
  let laptopUi: ChatUi;

  /** The line of the open chat whose text is `content`. */
  const row = (ui: ChatUi, content: string): Locator =>
    ui
      .messageLog()
      .locator('li.msg')
      .filter({
        has: ui.page.locator('.text').getByText(content, { exact: true }),
      });

  async function menu(ui: ChatUi, content: string): Promise<Locator> {
    const line = row(ui, content);
    await line.hover();
    await line.getByRole('button', { name: 'Message actions' }).click();
    return ui.page.getByRole('menu', { name: 'Message actions' });
  }

  async function pick(ui: ChatUi, content: string, item: string): Promise<void> {
    await (await menu(ui, content)).getByRole('menuitem', { name: item, exact: true }).click();
  }

  /** The open chat as rendered, message by message. */
  function seen(ui: ChatUi): Promise<SeenMessage[]> {
    return ui.messageLog().evaluate((log) =>
      Array.from(log.querySelectorAll('li.msg')).map((li) => ({
        text: li.querySelector('.text')?.textContent?.trim() ?? '',
        deleted: li.classList.contains('is-deleted'),
        edited: li.querySelector('.edited') !== null,
        quote: li.querySelector('.quote')?.textContent?.replace(/\s+/g, ' ').trim() ?? null,
        reactions: Array.from(li.querySelectorAll('.chip')).map(
          (chip) =>
            `${chip.textContent?.replace(/\s+/g, '') ?? ''}${chip.getAttribute('aria-pressed') === 'true' ? '*' : ''}`,
        ),
      })),
    );
  }

  const withoutMine = (messages: SeenMessage[]) =>
    messages.map((m) => ({ ...m, reactions: m.reactions.map((r) => r.replace('*', '')) }));

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    browser = await launchBrowser();
    const [adaActor, graceActor] = [await registerActor(ada), await registerActor(grace)];
    const chat = await openDirectChat(adaActor, graceActor);
    await postMessage(graceActor, chat.id, 'Did the benchmark finish overnight?');
    await postMessage(adaActor, chat.id, 'Yes, and the new allocator is 18% faster.');

    const adaSession = await BrowserSession.open(browser, DESKTOP);
    const phone = await BrowserSession.open(browser, PHONE);
    laptop = await BrowserSession.open(browser, DESKTOP);
    sessions.push(adaSession, phone, laptop);
    adaUi = new ChatUi(adaSession.page);
    phoneUi = new ChatUi(phone.page);
    laptopUi = new ChatUi(laptop.page);
    await adaUi.signIn(ada);
    await phoneUi.signIn(grace);
    await laptopUi.signIn(grace);
    await adaUi.openChat(grace.fullName);
    await phoneUi.openChat(ada.fullName);
    await laptopUi.openChat(ada.fullName);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('replies with a quote, live, and the quote brings the original into view', async () => {
    await pick(phoneUi, 'Yes, and the new allocator is 18% faster.', 'Reply');
    // The quote bar appears once the menu's action has run: wait for it, don't sample it.
    await phoneUi.page.getByText('Replying to Ada Lovelace').waitFor();
    await phoneUi.send('Great news! Can you share the numbers?');

    const reply = row(adaUi, 'Great news! Can you share the numbers?');
    await eventually(async () =>
      expect(await reply.locator('.quote').innerText()).toContain(
        'Yes, and the new allocator is 18% faster.',
      ),
    );
    await reply.locator('.quote').click();
    await eventually(async () =>
      expect(
        await row(adaUi, 'Yes, and the new allocator is 18% faster.').evaluate(
          (li) => li === document.activeElement,
        ),
      ).toBe(true),
    );
  });

  it('edits in place (Esc cancels, Enter saves) and both sides show "edited"', async () => {
    const before = 'Yes, and the new allocator is 18% faster.';
    const after = 'Yes, and the new allocator is 21% faster.';
    await pick(adaUi, before, 'Edit');
    const field = adaUi.page.getByRole('textbox', { name: 'Edit message' });
    await field.fill('never mind');
    await field.press('Escape');
    await row(adaUi, before).waitFor();

    await pick(adaUi, before, 'Edit');
    await field.fill(after);
    await field.press('Enter');
    for (const ui of [adaUi, phoneUi, laptopUi]) {
      await eventually(async () =>
        expect(await row(ui, after).locator('.edited').innerText()).toBe('edited'),
      );
    }
  });

  it('reacts from the menu and toggles with the chips, counts and highlights agreeing', async () => {
    const text = 'Yes, and the new allocator is 21% faster.';
    await (await menu(phoneUi, text)).getByRole('menuitem', { name: 'React with 🎉' }).click();
    const adaChip = row(adaUi, text).getByRole('button', { name: /^🎉 1/ });
    await adaChip.waitFor();
    expect(await adaChip.getAttribute('aria-pressed')).toBe('false');

    await adaChip.click();
    await eventually(async () =>
      expect((await seen(phoneUi)).find((m) => m.text === text)?.reactions).toEqual(['🎉2*']),
    );
    expect((await seen(adaUi)).find((m) => m.text === text)?.reactions).toEqual(['🎉2*']);
  });

  it('deletes after one confirmation, leaving "Message deleted" on every screen', async () => {
    const oops = 'Oops, that was meant for the infra channel.';
    await adaUi.send(oops);
    await phoneUi.expectMessageCount(oops, 1);
    await pick(adaUi, oops, 'Delete');
    await adaUi.page.getByRole('button', { name: 'Delete', exact: true }).click();

    for (const ui of [adaUi, phoneUi, laptopUi]) {
      await ui.expectMessageCount(oops, 0);
      await eventually(async () =>
        expect((await seen(ui)).at(-1)).toMatchObject({ text: 'Message deleted', deleted: true }),
      );
    }
    await eventually(async () =>
      expect(await laptopUi.chatEntry(ada.fullName).innerText()).toContain('Message deleted'),
    );
  });

  it('an offline laptop comes back to exactly the chat the others changed meanwhile', async () => {
    await laptop.goOffline();
    await laptopUi.reconnectBanner().waitFor({ state: 'visible' });

    await adaUi.send('Numbers: p50 41 µs, p99 180 µs.');
    await adaUi.send('Ignore this one.');
    await pick(phoneUi, 'Numbers: p50 41 µs, p99 180 µs.', 'Reply');
    await phoneUi.send('Impressive. Ship it.');
    await pick(adaUi, 'Numbers: p50 41 µs, p99 180 µs.', 'Edit');
    const field = adaUi.page.getByRole('textbox', { name: 'Edit message' });
    await field.fill('Numbers: p50 39 µs, p99 170 µs.');
    await field.press('Enter');
    await pick(adaUi, 'Ignore this one.', 'Delete');
    await adaUi.page.getByRole('button', { name: 'Delete', exact: true }).click();
    await (
      await menu(adaUi, 'Impressive. Ship it.')
    )
      .getByRole('menuitem', { name: 'React with 🔥' })
      .click();
    await (
      await menu(phoneUi, 'Impressive. Ship it.')
    )
      .getByRole('menuitem', { name: 'React with 👍' })
      .click();
    // Grace takes back her 🎉 from the phone.
    await row(phoneUi, 'Yes, and the new allocator is 21% faster.')
      .getByRole('button', { name: /^🎉 2/ })
      .click();
    await eventually(async () =>
      expect((await seen(adaUi)).find((m) => m.text === 'Impressive. Ship it.')?.reactions).toEqual(
        ['🔥1*', '👍1'],
      ),
    );
    await eventually(async () =>
      expect(
        (await seen(adaUi)).find((m) => m.text === 'Yes, and the new allocator is 21% faster.')
          ?.reactions,
      ).toEqual(['🎉1*']),
    );
    await sleep(500);
    expect(await laptopUi.message('Impressive. Ship it.').count()).toBe(0);

    await laptop.goOnline();
    await laptopUi.reconnectBanner().waitFor({ state: 'hidden', timeout: 30_000 });
    const phoneView = await seen(phoneUi);
    await eventually(async () => expect(await seen(laptopUi)).toEqual(phoneView), 20_000);
    expect(withoutMine(await seen(adaUi))).toEqual(withoutMine(phoneView));
    expect(phoneView.filter((m) => m.deleted)).toHaveLength(2);
    expect(phoneView.find((m) => m.text === 'Numbers: p50 39 µs, p99 170 µs.')?.edited).toBe(true);
    expect(phoneView.find((m) => m.text === 'Impressive. Ship it.')?.quote).toContain(
      'Numbers: p50 39 µs',
    );
    expect(await laptopUi.chatEntry(ada.fullName).innerText()).toContain(
      'You: Impressive. Ship it.',
    );
  });

  it('message-actions.png and message-actions-phone.png: a changed chat with the menu open', async () => {
    await adaUi.page.mouse.move(0, 0);
    await menu(adaUi, 'Numbers: p50 39 µs, p99 170 µs.');
    await sleep(300);
    let path = join(SCREENSHOT_DIR, 'message-actions.png');
    await adaUi.page.screenshot({ path, animations: 'disabled', caret: 'hide' });
    expect(statSync(path).size).toBeGreaterThan(10_000);

    await menu(phoneUi, 'Impressive. Ship it.');
    await sleep(300);
    path = join(SCREENSHOT_DIR, 'message-actions-phone.png');
    await phoneUi.page.screenshot({ path, animations: 'disabled', caret: 'hide' });
    expect(statSync(path).size).toBeGreaterThan(10_000);
  });

  it('raised no console errors, uncaught exceptions or dialogs', () => {
    expect(sessions.flatMap((s) => s.problems)).toEqual([]);
    expect(sessions.flatMap((s) => s.dialogs)).toEqual([]);
  });
});
