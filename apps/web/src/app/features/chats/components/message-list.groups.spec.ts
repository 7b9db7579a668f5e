import { TestBed, type ComponentFixture } from '@angular/core/testing';
import type { SystemEvent } from '@chat/shared-types';
import { BOB, CAROL, ME, message } from '../../../../testing/chat-testing';
import type { ConversationEntry } from '../data/messages.store';
import { MessageList, readersOf, type MemberRead } from './message-list';

const GROUP = 'g:team';

function entryOf(overrides: Parameters<typeof message>[2] = {}, from = BOB): ConversationEntry {
  const stored = message(GROUP, from, overrides);
  return {
    ...stored,
    key: `${stored.senderId}:${stored.clientId}`,
    delivery: 'stored',
    error: null,
  };
}

const added: SystemEvent = { type: 'added', actorId: ME.id, userIds: [BOB.id], title: null };

describe('MessageList in a group', () => {
  let fixture: ComponentFixture<MessageList>;
  let element: HTMLElement;

  async function render(entries: ConversationEntry[], reads: MemberRead[] | null): Promise<void> {
    fixture = TestBed.createComponent(MessageList);
    fixture.componentRef.setInput('chatId', GROUP);
    fixture.componentRef.setInput('me', ME.id);
    fixture.componentRef.setInput('entries', entries);
    fixture.componentRef.setInput('memberReads', reads);
    element = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  beforeEach(() => {
    Element.prototype.scrollTo ??= () => undefined;
    Element.prototype.scrollIntoView ??= () => undefined;
  });

  it('shows a system message as a note: no bubble, no sender, no menu', async () => {
    const note = entryOf({ content: 'Ada Lovelace added Bob Stone', system: added }, ME);
    const words = entryOf({ content: 'hello all' });
    await render([note, words], []);

    const noteRow = element.querySelector<HTMLElement>(`[data-id="${note.id}"]`);
    expect(noteRow?.classList).toContain('system-note');
    expect(noteRow?.textContent).toContain('Ada Lovelace added Bob Stone');
    expect(noteRow?.querySelector('.bubble, .menu-btn, .sender, app-receipt')).toBeNull();
    // The message after a note starts a new run: its sender is named.
    const wordsRow = element.querySelector<HTMLElement>(`[data-id="${words.id}"]`);
    expect(wordsRow?.querySelector('.sender')?.textContent).toContain(BOB.fullName);
    expect(wordsRow?.querySelector('.menu-btn')).not.toBeNull();
  });

  it('says "Seen by N" under our newest message only, with the names on hover and tap', async () => {
    const older = entryOf({ content: 'first' }, ME);
    const newest = entryOf({ content: 'second' }, ME);
    const theirs = entryOf({ content: 'reply' });
    await render(
      [older, newest, theirs],
      [
        { id: CAROL.id, name: CAROL.fullName, upToId: theirs.id ?? '' },
        { id: BOB.id, name: BOB.fullName, upToId: newest.id ?? '' },
      ],
    );

    const seen = element.querySelectorAll<HTMLButtonElement>('.seen-btn');
    expect(seen).toHaveLength(1);
    const button = seen[0] as HTMLButtonElement;
    expect(button.closest('[data-id]')?.getAttribute('data-id')).toBe(newest.id);
    expect(button.textContent?.trim()).toBe('Seen by 2');
    expect(button.title).toBe(`${BOB.fullName}, ${CAROL.fullName}`);

    button.click();
    await fixture.whenStable();
    const names = element.querySelectorAll('[aria-label="Seen by"] li');
    expect(Array.from(names, (li) => li.textContent?.trim())).toEqual([
      BOB.fullName,
      CAROL.fullName,
    ]);
    expect(button.getAttribute('aria-expanded')).toBe('true');
  });

  it('says nothing while no one else has read our newest message', async () => {
    const older = entryOf({ content: 'first' }, ME);
    const newest = entryOf({ content: 'second' }, ME);
    await render([older, newest], [{ id: BOB.id, name: BOB.fullName, upToId: older.id ?? '' }]);

    expect(element.querySelector('.seen-btn')).toBeNull();
  });
});

describe('readersOf', () => {
  const reads: MemberRead[] = [
    { id: 'u3', name: 'Carol', upToId: '9' },
    { id: 'u2', name: 'Bob', upToId: '12' },
    { id: 'u1', name: 'Me', upToId: '20' },
  ];

  it('names the others whose read mark reaches the message, by name, compared as numbers', () => {
    expect(readersOf(reads, '9', 'u1')).toEqual(['Bob', 'Carol']);
    expect(readersOf(reads, '10', 'u1')).toEqual(['Bob']);
    expect(readersOf(reads, '13', 'u1')).toEqual([]);
  });
});
