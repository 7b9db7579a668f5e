import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { openDirectChat, postMessage, registerActor } from './support/api-client';
import {
  attachWithButton,
  dropFiles,
  gradientJpeg,
  loadedPhotoWidths,
  noisePng,
  throttleUploads,
  tinyPdf,
  viewerPhotoWidth,
  type TestFile,
} from './support/attachment-files';
import { BrowserSession, PHONE, launchBrowser } from './support/browser';
import { ChatUi } from './support/chat-ui';
import { eventually, sleep } from './support/eventually';
import { person } from './support/people';

/*
 * Ada (desktop) drags two photos onto the conversation and sends them with a caption, on a
 * slow link so that she watches them upload; Grace (phone) attaches a PDF with the attach
 * button. Each sees the other's files: the photos loaded and open full size, the PDF downloads
 * under its name with its bytes.
 */
describe('photos and files between two people', () => {
  const ada = person('Ada Lovelace');
  const grace = person('Grace Hopper');
  let browser: Browser;
  let adaSession: BrowserSession;
  let graceSession: BrowserSession;
  let adaUi: ChatUi;
  let graceUi: ChatUi;
  let sunset: TestFile;
  let harbour: TestFile;
  let tunnel: TestFile;
  const minutes = tinyPdf('minutes-2026-12.pdf');

  beforeAll(async () => {
    [sunset, harbour, tunnel] = await Promise.all([
      noisePng('sunset.png', 640, 480),
      gradientJpeg('harbour.jpg', 900, 1200),
      noisePng('tunnel.png', 560, 420),
    ]);
    browser = await launchBrowser();
    const [adaActor, graceActor] = [await registerActor(ada), await registerActor(grace)];
    const chat = await openDirectChat(adaActor, graceActor);
    // Enough history that the conversation scrolls: sending must keep it at the bottom.
    for (let i = 1; i <= 12; i++) {
      await postMessage(i % 2 ? adaActor : graceActor, chat.id, `Planning note ${i}`);
    }
    adaSession = await BrowserSession.open(browser);
    graceSession = await BrowserSession.open(browser, PHONE);
    adaUi = new ChatUi(adaSession.page);
    graceUi = new ChatUi(graceSession.page);
    await Promise.all([adaUi.signIn(ada), graceUi.signIn(grace)]);
    await adaUi.openChat(grace.fullName);
    await graceUi.openChat(ada.fullName);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('sends dropped photos after showing their upload progress; the receiver sees them loaded', async () => {
    const unthrottle = await throttleUploads(adaSession, 128 * 1024);
    await dropFiles(adaUi.page, adaUi.messageLog(), [sunset, harbour]);

    const tray = adaUi.page.getByRole('list', { name: 'Files to send' });
    const bar = tray.getByRole('progressbar', { name: 'Uploading sunset.png' });
    const seen = await eventually(async () => {
      const value = await bar.evaluate((progress: HTMLProgressElement) => progress.value, {
        timeout: 1_000,
      });
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThan(100);
      return value;
    });
    expect(seen).toBeGreaterThan(0);

    await adaUi.composer().fill('Sunset from the office, and the harbour');
    await adaUi.page.getByRole('button', { name: 'Send', exact: true }).click();
    // Sent while still uploading: the message waits in the timeline with its progress.
    await expect(tray.count()).resolves.toBe(0);
    const pending = adaUi.messageLog().getByRole('list', { name: 'Files being sent' });
    await pending.getByRole('progressbar').first().waitFor();
    await unthrottle();

    await graceUi.message('Sunset from the office, and the harbour').waitFor();
    await eventually(async () => expect(await loadedPhotoWidths(graceUi)).toHaveLength(2));
    await eventually(async () => {
      const widths = await loadedPhotoWidths(graceUi);
      expect(widths.every((width) => width > 0)).toBe(true);
    });
    // Ada's own copy turns from the upload into the stored photos too.
    await eventually(async () => expect(await pending.count()).toBe(0));
    await eventually(async () => {
      const widths = await loadedPhotoWidths(adaUi);
      expect(widths).toHaveLength(2);
      expect(widths.every((width) => width > 0)).toBe(true);
    });
    // The line grew in place from upload tiles to photos, and Ada still sees the newest line.
    const below = await adaUi
      .messageLog()
      .evaluate((log) => log.scrollHeight - log.scrollTop - log.clientHeight);
    expect(below).toBeLessThanOrEqual(2);
  });

  it('opens a photo full size; the arrow keys move to the next one and Esc closes', async () => {
    const page = graceUi.page;
    await page.getByRole('button', { name: 'Open photo sunset.png' }).click();
    await page.getByRole('dialog', { name: 'sunset.png' }).waitFor();
    await eventually(async () => expect(await viewerPhotoWidth(page, 'sunset.png')).toBe(640));

    await page.keyboard.press('ArrowRight');
    const next = page.getByRole('dialog', { name: 'harbour.jpg' });
    await next.waitFor();
    await eventually(async () => expect(await viewerPhotoWidth(page, 'harbour.jpg')).toBe(900));

    await page.keyboard.press('Escape');
    await next.waitFor({ state: 'hidden' });
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
  });

  it('sends a PDF through the attach button; the receiver downloads it under its name', async () => {
    await attachWithButton(graceUi, minutes);
    await graceUi.page.getByRole('button', { name: 'Send', exact: true }).click();

    const link = adaUi.messageLog().getByRole('link', { name: /^Download minutes-2026-12\.pdf/ });
    await link.waitFor();
    const [download] = await Promise.all([adaUi.page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('minutes-2026-12.pdf');
    const bytes = await readFile(await download.path());
    expect(bytes.equals(minutes.buffer)).toBe(true);
    // With no caption, the chat list names the file where the text would be.
    expect(await adaUi.chatEntry(grace.fullName).innerText()).toContain('minutes-2026-12.pdf');
  });

  it('restarts an upload cut off by going offline, and only then sends its message', async () => {
    const caption = 'Taken just before the train went into the tunnel';
    const unthrottle = await throttleUploads(adaSession, 96 * 1024);
    await dropFiles(adaUi.page, adaUi.messageLog(), [tunnel]);
    await adaUi.composer().fill(caption);
    await adaUi.page.getByRole('button', { name: 'Send', exact: true }).click();
    const pending = adaUi.messageLog().getByRole('list', { name: 'Files being sent' });
    await eventually(async () => {
      const sent = await pending
        .getByRole('progressbar')
        .evaluate((progress: HTMLProgressElement) => progress.value, { timeout: 1_000 });
      expect(sent).toBeGreaterThan(0);
    });

    await adaSession.goOffline();
    await pending.getByText('Waiting for the connection…').waitFor();
    await unthrottle();
    await sleep(1_500);
    await expect(graceUi.message(caption).count()).resolves.toBe(0);

    await adaSession.goOnline();
    await graceUi.message(caption).waitFor();
    const line = graceUi.messageLog().locator('li.msg').filter({ hasText: caption });
    await eventually(async () =>
      expect(
        await line
          .locator('.photo img')
          .evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)),
      ).toBeGreaterThan(0),
    );
  });

  it('raised no console errors, uncaught exceptions or dialogs', () => {
    expect([...adaSession.problems, ...graceSession.problems]).toEqual([]);
    expect([...adaSession.dialogs, ...graceSession.dialogs]).toEqual([]);
  });
});
