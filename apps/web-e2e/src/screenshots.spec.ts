import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  ApiActor,
  markRead,
  openDirectChat,
  postMessage,
  registerActor,
} from './support/api-client';
import {
  attachWithButton,
  dropFiles,
  gradientJpeg,
  loadedPhotoWidths,
  throttleUploads,
  tinyPdf,
  viewerPhotoWidth,
} from './support/attachment-files';
import { BrowserSession, DESKTOP, PHONE, launchBrowser } from './support/browser';
import { ChatUi, GLOBAL_CHAT } from './support/chat-ui';
import { eventually } from './support/eventually';
import { person } from './support/people';

const SCREENSHOT_DIR = resolve(__dirname, '../../../docs/screenshots');

/*
 * A small team in the middle of a working day, photographed for the docs: Maya at her desk and
 * on her phone, Liam in his own browser, the others talking through the API.
 */
describe('screenshots of the app in use', () => {
  const maya = person('Maya Chen');
  const liam = person('Liam Novak');
  let browser: Browser;
  const sessions: BrowserSession[] = [];
  let mayaUi: ChatUi;
  let liamUi: ChatUi;
  let phoneUi: ChatUi;
  let priyaActor: ApiActor;

  async function shoot(ui: ChatUi, name: string): Promise<void> {
    const path = join(SCREENSHOT_DIR, name);
    await ui.page.screenshot({ path, animations: 'disabled', caret: 'hide' });
    expect(statSync(path).size).toBeGreaterThan(10_000);
  }

  /** Until nobody is shown typing (the indicator outlives a sent message by a few seconds). */
  async function settle(ui: ChatUi): Promise<void> {
    await eventually(
      async () => expect(await ui.page.getByText(/typing/i).count()).toBe(0),
      10_000,
    );
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    browser = await launchBrowser();

    const [mayaActor, liamActor, priya] = [
      await registerActor(maya),
      await registerActor(liam),
      await registerActor(person('Priya Natarajan')),
    ];
    priyaActor = priya;
    const sofia = await registerActor(person('Sofia Rossi'));
    const jonas = await registerActor(person('Jonas Berg'));

    await postMessage(priya, 'all', 'Morning all! The 2.4 release notes are in the shared drive.');
    await postMessage(jonas, 'all', 'Staging is green again, thanks for the quick fix.');

    const withLiam = await openDirectChat(liamActor, mayaActor);
    const said: [ApiActor, string][] = [
      [liamActor, 'Hey Maya, are we still on for the design review?'],
      [mayaActor, 'Yes! 2 pm in the small meeting room.'],
      [liamActor, "Great. I'll bring the new chat mock-ups."],
      [mayaActor, 'Perfect. Could you show the phone layout as well?'],
    ];
    let last = '';
    for (const [who, text] of said) last = (await postMessage(who, withLiam.id, text)).id;
    await markRead(mayaActor, withLiam.id, last);
    await markRead(liamActor, withLiam.id, last);

    const withJonas = await openDirectChat(jonas, mayaActor);
    await postMessage(jonas, withJonas.id, 'Could you look at my pull request before lunch?');
    const withSofia = await openDirectChat(sofia, mayaActor);
    await postMessage(sofia, withSofia.id, 'The onboarding copy is ready for review.');
    await postMessage(sofia, withSofia.id, 'I left two questions for you in the doc.');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('sign-in.png: the sign-in form, filled in', async () => {
    const session = await BrowserSession.open(browser, DESKTOP);
    sessions.push(session);
    mayaUi = new ChatUi(session.page);
    await mayaUi.goto('/login');
    await mayaUi.page.getByLabel('Login', { exact: true }).fill(maya.login);
    await mayaUi.page.getByLabel('Password', { exact: true }).fill(maya.password);
    await shoot(mayaUi, 'sign-in.png');
    await mayaUi.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await mayaUi.chatList().waitFor();
  });

  it('chat-list.png: the chat list with unread badges', async () => {
    const session = await BrowserSession.open(browser, DESKTOP);
    sessions.push(session);
    liamUi = new ChatUi(session.page);
    await liamUi.signIn(liam);
    await liamUi.openChat(maya.fullName);

    await mayaUi.expectUnread('Sofia Rossi', 2);
    await mayaUi.expectUnread('Jonas Berg', 1);
    expect(await mayaUi.unreadCount(liam.fullName)).toBe(0);
    expect(await mayaUi.chatTitles()).toEqual([
      GLOBAL_CHAT,
      'Sofia Rossi',
      'Jonas Berg',
      liam.fullName,
    ]);
    await shoot(mayaUi, 'chat-list.png');
  });

  it('chat-open.png: a conversation, with badges waiting in the list', async () => {
    await mayaUi.openChat(liam.fullName);
    await mayaUi.send("Sure, I'll bring my phone too.");
    await liamUi.expectMessageCount("Sure, I'll bring my phone too.", 1);
    await liamUi.send('See you at 2!');
    await mayaUi.expectMessageCount('See you at 2!', 1);
    // Liam has the chat open, so Maya's messages show as read.
    await eventually(async () =>
      expect(await mayaUi.messageLog().getByText('Read', { exact: true }).count()).toBeGreaterThan(
        0,
      ),
    );
    await mayaUi.expectUnread('Sofia Rossi', 2);
    await settle(mayaUi);
    await shoot(mayaUi, 'chat-open.png');
  });

  it('chat-list-phone.png and chat-open-phone.png: the same account on a phone', async () => {
    const session = await BrowserSession.open(browser, PHONE);
    sessions.push(session);
    const phone = new ChatUi(session.page);
    phoneUi = phone;
    await phone.signIn(maya);
    await phone.expectUnread('Sofia Rossi', 2);
    await phone.expectUnread('Jonas Berg', 1);
    await shoot(phone, 'chat-list-phone.png');

    await phone.openChat(liam.fullName);
    await phone.expectMessageCount('See you at 2!', 1);
    await settle(phone);
    await shoot(phone, 'chat-open-phone.png');
  });

  it('upload-progress.png, attachments.png, image-viewer.png and their phone versions', async () => {
    const caption = 'Mock-ups from the whiteboard, and the notes';
    const [whiteboard, notes] = [
      await gradientJpeg('whiteboard.jpg', 1600, 1000),
      tinyPdf('design-review-notes.pdf'),
    ];
    const unthrottle = await throttleUploads(sessions[0] as BrowserSession, 6 * 1024);
    await dropFiles(mayaUi.page, mayaUi.messageLog(), [whiteboard, notes]);
    await mayaUi.composer().fill(caption);
    const tray = mayaUi.page.getByRole('list', { name: 'Files to send' });
    await tray.getByText('uploaded').waitFor();
    await eventually(async () =>
      expect(
        await tray
          .getByRole('progressbar')
          .evaluate((progress: HTMLProgressElement) => progress.value, { timeout: 1_000 }),
      ).toBeGreaterThan(20),
    );
    await settle(mayaUi);
    await shoot(mayaUi, 'upload-progress.png');
    await unthrottle();
    await tray.getByText('uploaded').nth(1).waitFor();
    await mayaUi.page.getByRole('button', { name: 'Send', exact: true }).click();

    await liamUi.message(caption).waitFor();
    await attachWithButton(liamUi, tinyPdf('chat-mock-ups-v3.pdf'));
    await liamUi.composer().fill('Here is the deck I showed');
    await liamUi.page.getByRole('button', { name: 'Send', exact: true }).click();
    await mayaUi.message('Here is the deck I showed').waitFor();
    await eventually(async () => {
      const widths = await loadedPhotoWidths(mayaUi);
      expect(widths).toHaveLength(1);
      expect(widths[0]).toBeGreaterThan(0);
    });
    await settle(mayaUi);
    await shoot(mayaUi, 'attachments.png');

    await mayaUi.page.getByRole('button', { name: 'Open photo whiteboard.jpg' }).click();
    await eventually(async () =>
      expect(await viewerPhotoWidth(mayaUi.page, 'whiteboard.jpg')).toBe(1600),
    );
    await shoot(mayaUi, 'image-viewer.png');
    await mayaUi.page.keyboard.press('Escape');

    const session = await BrowserSession.open(browser, PHONE);
    sessions.push(session);
    const phone = new ChatUi(session.page);
    await phone.signIn(maya);
    await phone.openChat(liam.fullName);
    await phone.message('Here is the deck I showed').waitFor();
    await eventually(async () =>
      expect((await loadedPhotoWidths(phone)).every((width) => width > 0)).toBe(true),
    );
    await settle(phone);
    await shoot(phone, 'attachments-phone.png');
    await phone.page.getByRole('button', { name: 'Open photo whiteboard.jpg' }).click();
    await eventually(async () =>
      expect(await viewerPhotoWidth(phone.page, 'whiteboard.jpg')).toBe(1600),
    );
    await shoot(phone, 'image-viewer-phone.png');
  });

  it('group-new.png, group-open.png, group-details.png: a group, its notes and its details', async () => {
    const title = 'Design review';
    await mayaUi.page.getByRole('button', { name: 'New group', exact: true }).click();
    await mayaUi.page.getByLabel('Group name', { exact: true }).fill(title);
    await mayaUi.pick(liam);
    await mayaUi.pick(priyaActor.person);
    await mayaUi.page.getByRole('searchbox', { name: 'Search people' }).fill('');
    await mayaUi.page.getByRole('checkbox', { name: `@${maya.login}` }).waitFor();
    await shoot(mayaUi, 'group-new.png');

    await mayaUi.page.getByRole('button', { name: 'Create group', exact: true }).click();
    await mayaUi.waitForOpenChat(title);
    await liamUi.openChat(title);
    await liamUi.send('I put the mock-ups in the group folder.');
    await mayaUi.send('Thanks! Priya, could you check the phone layout?');
    await postMessage(
      priyaActor,
      mayaUi.page.url().split('/chats/')[1] ?? '',
      'On it this afternoon.',
    );
    await mayaUi.expectMessageCount('On it this afternoon.', 1);
    await mayaUi.messageLog().getByRole('button', { name: 'Seen by 1' }).waitFor();
    await settle(mayaUi);
    await shoot(mayaUi, 'group-open.png');

    await mayaUi.openGroupDetails();
    await mayaUi.memberRow(priyaActor.person).waitFor();
    await shoot(mayaUi, 'group-details.png');
    await mayaUi.page.keyboard.press('Escape');
  });

  it('group-new-phone.png and group-details-phone.png: the same on a phone', async () => {
    await phoneUi.goto('/');
    await phoneUi.page.getByRole('button', { name: 'New group', exact: true }).click();
    await phoneUi.page.getByLabel('Group name', { exact: true }).fill('Weekend hike');
    await phoneUi.pick(liam);
    await phoneUi.page.getByRole('searchbox', { name: 'Search people' }).fill('');
    await phoneUi.page.getByRole('checkbox', { name: `@${maya.login}` }).waitFor();
    await shoot(phoneUi, 'group-new-phone.png');
    await phoneUi.page.keyboard.press('Escape');

    await phoneUi.openChat('Design review');
    await phoneUi.openGroupDetails();
    await phoneUi.memberRow(liam).waitFor();
    await shoot(phoneUi, 'group-details-phone.png');
  });

  it('raised no console errors, uncaught exceptions or dialogs', () => {
    expect(sessions.flatMap((s) => [...s.problems, ...s.dialogs])).toEqual([]);
  });
});
