import type { Browser } from 'playwright-core';
import { registerActor } from './support/api-client';
import { BrowserSession, DESKTOP, PHONE, launchBrowser } from './support/browser';
import { ChatUi } from './support/chat-ui';
import { eventually } from './support/eventually';
import { person } from './support/people';

/*
 * Ada makes a group with Bob and Carol through the UI; all three browsers are open, Carol's on
 * a phone. Dan is only registered, to be added later. Each step is checked where it shows.
 */
describe('groups, in three browsers', () => {
  const ada = person('Ada Lovelace');
  const bob = person('Bob Stone');
  const carol = person('Carol Reyes');
  const dan = person('Dan Okafor');
  const tag = Math.random().toString(36).slice(2, 6);
  const title = `Launch crew ${tag}`;
  const renamed = `Launch crew ${tag} (final)`;
  let browser: Browser;
  const sessions: BrowserSession[] = [];
  let adaUi: ChatUi;
  let bobUi: ChatUi;
  let carolUi: ChatUi;

  beforeAll(async () => {
    browser = await launchBrowser();
    await Promise.all([ada, bob, carol, dan].map((p) => registerActor(p)));
    const open = async (viewport: { width: number; height: number }) => {
      const session = await BrowserSession.open(browser, viewport);
      sessions.push(session);
      return new ChatUi(session.page);
    };
    [adaUi, bobUi, carolUi] = await Promise.all([open(DESKTOP), open(DESKTOP), open(PHONE)]);
    await Promise.all([adaUi.signIn(ada), bobUi.signIn(bob), carolUi.signIn(carol)]);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('a new group opens at once for its creator and everyone picked, with a centred note', async () => {
    await adaUi.createGroup(title, [bob, carol]);
    await adaUi.page.getByText('3 members', { exact: true }).first().waitFor();

    // Bob and Carol never reload: chat:created puts it in their lists.
    await bobUi.chatLink(title).waitFor();
    await carolUi.chatLink(title).waitFor();
    // The "created" note is no unread message.
    expect(await bobUi.unreadCount(title)).toBe(0);
    expect(await carolUi.unreadCount(title)).toBe(0);

    await bobUi.openChat(title);
    const note = bobUi.systemNote(`${ada.fullName} created the group`);
    await note.waitFor();
    // A note, centred in the conversation, with no bubble and no message menu.
    const [noteBox, logBox] = [await note.boundingBox(), await bobUi.messageLog().boundingBox()];
    if (!noteBox || !logBox) throw new Error('the note or the log is not on screen');
    const centre = (box: { x: number; width: number }) => box.x + box.width / 2;
    const text = await note.locator('p').boundingBox();
    expect(Math.abs(centre(text ?? noteBox) - centre(logBox))).toBeLessThan(12);
    expect(await note.locator('.bubble').count()).toBe(0);
    expect(await note.getByRole('button').count()).toBe(0);
  });

  it('a system note is not counted as unread, a message is; "Seen by N" names the readers', async () => {
    // Carol's phone shows her list; Ada renames: the list and Bob's header follow at once.
    await adaUi.openGroupDetails();
    await adaUi.groupDetails().getByRole('button', { name: 'Rename', exact: true }).click();
    await adaUi.page.getByRole('textbox', { name: 'Group name' }).fill(renamed);
    await adaUi.groupDetails().getByRole('button', { name: 'Save', exact: true }).click();
    await bobUi.waitForOpenChat(renamed);
    await carolUi.chatLink(renamed).waitFor();
    await bobUi.systemNote(`renamed the group to “${renamed}”`).waitFor();
    expect(await carolUi.unreadCount(renamed)).toBe(0);

    await adaUi.page.keyboard.press('Escape');
    await adaUi.groupDetails().waitFor({ state: 'detached' });
    await adaUi.send('Kick-off at ten, bring the numbers.');
    await carolUi.expectUnread(renamed, 1);

    // Bob has the group open: he has read it.
    const seen = adaUi.messageLog().getByRole('button', { name: /^Seen by \d+$/ });
    await eventually(async () => expect((await seen.innerText()).trim()).toBe('Seen by 1'));
    expect(await seen.getAttribute('title')).toBe(bob.fullName);
    await carolUi.openChat(renamed);
    await carolUi.message('Kick-off at ten, bring the numbers.').waitFor();
    await eventually(async () => expect((await seen.innerText()).trim()).toBe('Seen by 2'));
    await seen.click();
    const names = adaUi.messageLog().getByRole('list', { name: 'Seen by' });
    expect(await names.getByRole('listitem').allInnerTexts()).toEqual([
      bob.fullName,
      carol.fullName,
    ]);
  });

  it('controls follow roles: the owner makes Bob an admin, who adds Dan and removes Carol', async () => {
    // Carol, a member, may only leave.
    const carolPanel = await carolUi.openGroupDetails();
    await carolUi.memberRow(ada).waitFor();
    expect(
      await carolPanel.getByRole('button', { name: /Rename|Add people|Remove|Make/ }).count(),
    ).toBe(0);
    await carolPanel.getByRole('button', { name: 'Close group details' }).click();

    const adaPanel = await adaUi.openGroupDetails();
    await adaUi
      .memberRow(bob)
      .getByRole('button', { name: `Make ${bob.fullName} an admin` })
      .click();
    await adaUi.memberRow(bob).getByText('Admin', { exact: true }).waitFor();
    await adaPanel.getByRole('button', { name: `Make ${bob.fullName} a member` }).waitFor();

    // Bob's own panel gains the admin's controls, but none over the owner.
    const bobPanel = await bobUi.openGroupDetails();
    await bobPanel.getByRole('button', { name: 'Add people', exact: true }).waitFor();
    await bobUi
      .memberRow(carol)
      .getByRole('button', { name: `Remove ${carol.fullName}` })
      .waitFor();
    expect(await bobUi.memberRow(ada).getByRole('button').count()).toBe(0);
    expect(await bobUi.memberRow(ada).getByText('Owner', { exact: true }).count()).toBe(1);

    await bobPanel.getByRole('button', { name: 'Add people', exact: true }).click();
    await bobUi.pick(dan);
    await bobPanel.getByRole('button', { name: /^Add 1 to the group$/ }).click();
    await bobUi.memberRow(dan).waitFor();
    await bobUi.systemNote(`${bob.fullName} added ${dan.fullName}`).waitFor();
    await adaUi.page.getByText('4 members', { exact: true }).first().waitFor();

    await bobUi
      .memberRow(carol)
      .getByRole('button', { name: `Remove ${carol.fullName}` })
      .click();
    await bobUi.memberRow(carol).waitFor({ state: 'detached' });

    // Carol had the group open on her phone: it closes with a notice, and leaves her list.
    await carolUi.page
      .getByRole('alert')
      .filter({ hasText: `You are no longer a member of “${renamed}”` })
      .waitFor();
    expect(await carolUi.composer().count()).toBe(0);
    await carolUi.page.getByRole('link', { name: 'Back to chats', exact: true }).last().click();
    await carolUi.chatList().waitFor();
    await eventually(async () => expect(await carolUi.chatLink(renamed).count()).toBe(0));
  });

  it('leaving asks first, then the group is gone from the leaver and the others see it', async () => {
    const panel = bobUi.groupDetails();
    await panel.getByRole('button', { name: 'Leave…', exact: true }).click();
    const confirm = panel.getByRole('group', { name: 'Leave this group?' });
    await confirm.getByRole('button', { name: 'Stay', exact: true }).click();
    expect(await bobUi.chatLink(renamed).count()).toBe(1);

    await panel.getByRole('button', { name: 'Leave…', exact: true }).click();
    await confirm.getByRole('button', { name: 'Leave group', exact: true }).click();
    await eventually(async () => expect(await bobUi.chatLink(renamed).count()).toBe(0));
    await adaUi.systemNote(`${bob.fullName} left`).waitFor();
    await adaUi.page.getByText('2 members', { exact: true }).first().waitFor();
  });

  it('raised no console errors, uncaught exceptions or dialogs', () => {
    expect(sessions.flatMap((s) => [...s.problems, ...s.dialogs])).toEqual([]);
  });
});
