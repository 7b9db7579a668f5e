import type { Browser, Page } from 'playwright-core';
import { findActiveContent } from './support/active-content';
import { BrowserSession, launchBrowser } from './support/browser';
import { ChatUi } from './support/chat-ui';
import { sleep } from './support/eventually';
import { person } from './support/people';
import { XSS_FULL_NAME, XSS_PAYLOADS } from './support/xss-payloads';

/** What a payload that ran would have set. */
function xssMarker(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as Window & { __xss?: unknown }).__xss);
}

describe('messages that look like HTML or script', () => {
  const chloe = person('Chloe Martin');
  const mallory = person(XSS_FULL_NAME, 'mallory');
  let browser: Browser;
  let sessions: BrowserSession[];
  let chloeUi: ChatUi;
  let malloryUi: ChatUi;

  beforeAll(async () => {
    browser = await launchBrowser();
    const chloeSession = await BrowserSession.open(browser);
    const mallorySession = await BrowserSession.open(browser);
    sessions = [chloeSession, mallorySession];
    chloeUi = new ChatUi(chloeSession.page);
    malloryUi = new ChatUi(mallorySession.page);
    await chloeUi.register(chloe);
    await malloryUi.register(mallory);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows a display name made of markup as plain text', async () => {
    await chloeUi.startDirectChat(mallory);
    // startDirectChat found the heading and the list link by this exact text.
    await chloeUi.chatLink(XSS_FULL_NAME).waitFor();
    await malloryUi.openChat(chloe.fullName);
  });

  it(`shows ${XSS_PAYLOADS.length} payloads from both sides as literal text in both browsers`, async () => {
    for (const [i, payload] of XSS_PAYLOADS.entries()) {
      await (i % 2 === 0 ? chloeUi : malloryUi).send(payload);
    }
    for (const ui of [chloeUi, malloryUi]) {
      for (const payload of XSS_PAYLOADS) await ui.expectMessageCount(payload, 1);
    }
    expect(new Set(XSS_PAYLOADS).size).toBe(30);
  });

  it('ran none of them and created no element from them', async () => {
    // Give anything that might fire (onerror of a broken image, autofocus) time to do so.
    await sleep(1_000);
    for (const [who, ui] of [
      ['Chloe', chloeUi],
      ['Mallory', malloryUi],
    ] as const) {
      expect({ who, marker: await xssMarker(ui.page) }).toEqual({ who, marker: undefined });
      const inLog = await ui.messageLog().evaluate(findActiveContent);
      const inList = await ui.chatList().evaluate(findActiveContent);
      const inHeading = await ui.chatHeading().evaluate(findActiveContent);
      expect({ who, inLog, inList, inHeading }).toEqual({
        who,
        inLog: [],
        inList: [],
        inHeading: [],
      });
      // Each payload's text sits in an element holding nothing but text.
      for (const payload of XSS_PAYLOADS) {
        const children = await ui.message(payload).evaluate((el) => el.childElementCount);
        expect({ payload, children }).toEqual({ payload, children: 0 });
      }
    }
    for (const session of sessions) {
      expect(session.dialogs).toEqual([]);
      // A payload the app had turned into markup would also show here: a CSP refusal, a 404.
      expect(session.problems).toEqual([]);
    }
  });

  it('would have noticed the payloads had they been rendered as HTML', async () => {
    // The same scan, over the payloads parsed as HTML in an inert document (nothing loads or runs).
    const page = chloeUi.page;
    const unflagged: string[] = [];
    for (const payload of XSS_PAYLOADS) {
      const root = await page.evaluateHandle((html) => {
        const div = document.implementation.createHTMLDocument('').createElement('div');
        div.innerHTML = html;
        return div;
      }, payload);
      if ((await root.evaluate(findActiveContent)).length === 0) unflagged.push(payload);
      await root.dispose();
    }
    // Only those harmless even as innerHTML: template syntax, a bare URL, entities, a <body> tag
    // (dropped inside a div) and a split tag that parses as an unknown element.
    expect(unflagged).toEqual([
      '<body onload=window.__xss=8>',
      "{{constructor.constructor('window.__xss=21')()}}",
      'javascript:window.__xss=22',
      '<scr<script>ipt>window.__xss=23</scr</script>ipt>',
      '&lt;script&gt;window.__xss=25&lt;/script&gt;',
    ]);
  });
});
