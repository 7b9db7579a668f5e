import { Browser, BrowserContext, Page, chromium } from 'playwright-core';

/** Debian's Chromium; Playwright never downloads a browser here. */
const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Launches headless Chromium; Playwright gives each launch a temporary profile of its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/** Console lines Chromium writes because the network is down, expected while it is cut. */
const OUTAGE_NOISE =
  /ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|WebSocket connection to .* failed/;

/**
 * One person at one browser: an isolated context (own storage, own socket) with one tab.
 * Everything the page complains about is kept, so a test can insist on a clean console.
 */
export class BrowserSession {
  /** Console errors and uncaught exceptions, in order. */
  readonly problems: string[] = [];
  /** Every alert/confirm/prompt the page tried to open (each is dismissed). */
  readonly dialogs: string[] = [];
  private offline = false;

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (this.offline && OUTAGE_NOISE.test(text)) return;
      this.problems.push(`console error: ${text}`);
    });
    page.on('pageerror', (error) => this.problems.push(`uncaught: ${error.message}`));
    page.on('dialog', (dialog) => {
      this.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
  }

  static async open(
    browser: Browser,
    viewport: { width: number; height: number } = DESKTOP,
  ): Promise<BrowserSession> {
    const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'UTC' });
    context.setDefaultTimeout(20_000);
    context.setDefaultNavigationTimeout(30_000);
    return new BrowserSession(context, await context.newPage());
  }

  /** Cuts this browser off the network: Chromium drops its WebSocket and refuses new ones. */
  async goOffline(): Promise<void> {
    this.offline = true;
    await this.context.setOffline(true);
  }

  async goOnline(): Promise<void> {
    await this.context.setOffline(false);
    this.offline = false;
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
