import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { BOB, DM_BOB, ME, message } from '../../../../testing/chat-testing';
import type { ConversationEntry } from '../data/messages.store';
import { MessageList, type EditRequest, type ReactRequest } from './message-list';

function entryOf(overrides: Parameters<typeof message>[2] = {}, from = BOB): ConversationEntry {
  const stored = message(DM_BOB, from, overrides);
  return {
    ...stored,
    key: `${stored.senderId}:${stored.clientId}`,
    delivery: 'stored',
    error: null,
  };
}

describe('MessageList (message actions)', () => {
  let fixture: ComponentFixture<MessageList>;
  let element: HTMLElement;
  const reacted: ReactRequest[] = [];
  const edits: EditRequest[] = [];
  const removed: string[] = [];

  async function render(entries: ConversationEntry[]): Promise<void> {
    fixture = TestBed.createComponent(MessageList);
    fixture.componentRef.setInput('chatId', DM_BOB);
    fixture.componentRef.setInput('me', ME.id);
    fixture.componentRef.setInput('entries', entries);
    fixture.componentInstance.react.subscribe((r) => reacted.push(r));
    fixture.componentInstance.edit.subscribe((e) => edits.push(e));
    fixture.componentInstance.remove.subscribe((id) => removed.push(id));
    element = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  const item = (id: string) => element.querySelector<HTMLElement>(`[data-id="${id}"]`);
  const menuItems = () =>
    Array.from(element.querySelectorAll<HTMLButtonElement>('[role="menu"] [role="menuitem"]'));
  const key = (target: Element, key: string) =>
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  const waitForFocus = () => new Promise((resolve) => setTimeout(resolve));

  beforeEach(() => {
    // jsdom lays nothing out: scrolling is a no-op there.
    Element.prototype.scrollTo ??= () => undefined;
    Element.prototype.scrollIntoView ??= () => undefined;
    reacted.length = 0;
    edits.length = 0;
    removed.length = 0;
  });

  it('opens the menu from the keyboard, moves with arrow keys and closes with Esc', async () => {
    const mine = entryOf({ content: 'my words' }, ME);
    await render([mine]);
    const row = item(mine.id ?? '');
    if (!row) throw new Error('no row');

    key(row, 'Enter');
    await fixture.whenStable();
    await waitForFocus();
    const labels = menuItems().map((b) => b.getAttribute('aria-label') ?? b.textContent?.trim());
    expect(labels.slice(8)).toEqual(['Reply', 'Edit', 'Copy text', 'Delete']);
    expect(document.activeElement).toBe(menuItems()[0]);

    key(menuItems()[0] as Element, 'ArrowLeft');
    expect(document.activeElement?.textContent?.trim()).toBe('Delete');

    key(document.activeElement as Element, 'Escape');
    await fixture.whenStable();
    expect(menuItems()).toHaveLength(0);
    expect(document.activeElement).toBe(row);
  });

  it("offers neither Edit nor Delete on someone else's message, and no menu on a tombstone", async () => {
    const theirs = entryOf({ content: 'their words' });
    const gone = entryOf({ content: '', deleted: true });
    await render([theirs, gone]);

    expect(item(gone.id ?? '')?.textContent).toContain('Message deleted');
    expect(item(gone.id ?? '')?.querySelector('.menu-btn')).toBeNull();

    item(theirs.id ?? '')
      ?.querySelector<HTMLButtonElement>('.menu-btn')
      ?.click();
    await fixture.whenStable();
    const labels = menuItems().map((b) => b.textContent?.trim());
    expect(labels).toContain('Reply');
    expect(labels).not.toContain('Edit');
    expect(labels).not.toContain('Delete');
  });

  it('shows reaction chips with counts, mine highlighted, and a click toggles mine', async () => {
    const hello = entryOf({
      content: 'hello',
      reactions: [
        { emoji: '👍', count: 2, userIds: [BOB.id, ME.id] },
        { emoji: '🔥', count: 1, userIds: [BOB.id] },
      ],
    });
    await render([hello]);

    const chips = Array.from(element.querySelectorAll<HTMLButtonElement>('.chip'));
    expect(chips.map((c) => c.textContent?.replace(/\s+/g, ''))).toEqual(['👍2', '🔥1']);
    expect(chips.map((c) => c.getAttribute('aria-pressed'))).toEqual(['true', 'false']);

    chips[0]?.click();
    chips[1]?.click();
    expect(reacted).toEqual([
      { messageId: hello.id, emoji: '👍', on: false },
      { messageId: hello.id, emoji: '🔥', on: true },
    ]);
  });

  it('edits in place: Esc cancels, Enter saves, and "edited" shows afterwards', async () => {
    const mine = entryOf({ content: 'helo' }, ME);
    await render([mine]);
    const open = async () => {
      item(mine.id ?? '')
        ?.querySelector<HTMLButtonElement>('.menu-btn')
        ?.click();
      await fixture.whenStable();
      menuItems()
        .find((b) => b.textContent?.trim() === 'Edit')
        ?.click();
      await fixture.whenStable();
      const field = element.querySelector<HTMLTextAreaElement>('.edit-field');
      if (!field) throw new Error('no edit field');
      return field;
    };

    key(await open(), 'Escape');
    await fixture.whenStable();
    expect(element.querySelector('.edit-field')).toBeNull();
    expect(edits).toEqual([]);

    const field = await open();
    field.value = 'hello';
    key(field, 'Enter');
    await fixture.whenStable();
    expect(edits).toEqual([{ messageId: mine.id, content: 'hello' }]);

    fixture.componentRef.setInput('entries', [
      { ...mine, content: 'hello', editedAt: new Date().toISOString() },
    ]);
    await fixture.whenStable();
    expect(item(mine.id ?? '')?.querySelector('.edited')?.textContent).toBe('edited');
  });

  it('deletes only after the confirmation', async () => {
    const mine = entryOf({ content: 'oops' }, ME);
    await render([mine]);
    item(mine.id ?? '')
      ?.querySelector<HTMLButtonElement>('.menu-btn')
      ?.click();
    await fixture.whenStable();
    menuItems()
      .find((b) => b.textContent?.trim() === 'Delete')
      ?.click();
    await fixture.whenStable();
    expect(removed).toEqual([]);

    element.querySelector<HTMLButtonElement>('.confirm .danger')?.click();
    expect(removed).toEqual([mine.id]);
  });

  it('shows a message still on its way as text, with no menu, edit field or confirmation', async () => {
    const pending: ConversationEntry = {
      ...entryOf({ content: 'typed offline' }, ME),
      id: null,
      delivery: 'pending',
    };
    await render([pending]);

    expect(element.querySelector('.msg .text')?.textContent).toBe('typed offline');
    expect(element.querySelector('.edit-field')).toBeNull();
    expect(element.querySelector('.confirm')).toBeNull();
    expect(element.querySelector('.menu-btn')).toBeNull();
  });

  it('quotes the message a reply answers, or says it was deleted', async () => {
    const original = entryOf({ content: 'lunch?' });
    const reply = entryOf(
      {
        content: 'yes',
        replyTo: {
          id: original.id ?? '',
          senderId: BOB.id,
          senderName: BOB.fullName,
          excerpt: 'lunch?',
          deleted: false,
        },
      },
      ME,
    );
    const toGone = entryOf(
      {
        content: 'what was it?',
        replyTo: {
          id: '1',
          senderId: BOB.id,
          senderName: BOB.fullName,
          excerpt: '',
          deleted: true,
        },
      },
      ME,
    );
    await render([original, reply, toGone]);

    expect(item(reply.id ?? '')?.querySelector('.quote')?.textContent).toContain('lunch?');
    expect(item(toGone.id ?? '')?.querySelector('.quote')?.textContent).toContain(
      'Message deleted',
    );
  });
});
