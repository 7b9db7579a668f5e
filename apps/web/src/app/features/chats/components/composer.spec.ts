import { TestBed } from '@angular/core/testing';
import { LIMITS } from '@chat/shared-types';
import { Composer } from './composer';

describe('Composer', () => {
  async function typeInto(text: string): Promise<HTMLElement> {
    const fixture = TestBed.createComponent(Composer);
    fixture.componentRef.setInput('chatId', 'all');
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    const field = element.querySelector('textarea');
    if (!field) throw new Error('no textarea');
    field.value = text;
    field.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    return element;
  }

  const sendButton = (element: HTMLElement) =>
    element.querySelector<HTMLButtonElement>('button[type="submit"]');
  const counter = (element: HTMLElement) => element.querySelector('.counter')?.textContent?.trim();

  it(`lets ${LIMITS.contentMax} emoji be sent: they are ${LIMITS.contentMax} characters to the server`, async () => {
    const element = await typeInto('😀'.repeat(LIMITS.contentMax));

    expect(sendButton(element)?.disabled).toBe(false);
    expect(counter(element)).toBe('0 characters left');
    expect(element.querySelector('textarea')?.value).toBe('😀'.repeat(LIMITS.contentMax));
  });

  it('counts an emoji as one character over the limit too', async () => {
    const element = await typeInto(` ${'😀'.repeat(LIMITS.contentMax + 1)} `);

    expect(sendButton(element)?.disabled).toBe(true);
    expect(counter(element)).toBe(`1 characters over the ${LIMITS.contentMax} limit`);
  });
});
