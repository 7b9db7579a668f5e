import { TestBed } from '@angular/core/testing';
import { Receipt, type ReceiptState } from './receipt';

describe('Receipt', () => {
  async function render(state: ReceiptState): Promise<HTMLElement> {
    const fixture = TestBed.createComponent(Receipt);
    fixture.componentRef.setInput('state', state);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it.each([
    ['pending', 'receipt', 'Sending', '0 0 16 16', '13', '13'],
    ['sent', 'receipt', 'Sent', '0 0 16 16', '14', '14'],
    ['read', 'receipt read', 'Read', '0 0 20 16', '17', '14'],
  ] as const)(
    'shows %s as a decorative icon titled and named for screen readers',
    async (state, classes, label, viewBox, width, height) => {
      const element = await render(state);

      expect(element.className).toBe(classes);
      expect(element.getAttribute('title')).toBe(label);
      const svg = element.querySelector('svg');
      expect(svg?.getAttribute('aria-hidden')).toBe('true');
      expect(svg?.getAttribute('viewBox')).toBe(viewBox);
      expect(svg?.getAttribute('width')).toBe(width);
      expect(svg?.getAttribute('height')).toBe(height);
      expect(svg?.querySelector('path')?.getAttribute('d')).toBeTruthy();
      expect(element.querySelector('.sr-only')?.textContent).toBe(label);
    },
  );

  it('says "Not sent" in words when sending failed', async () => {
    const element = await render('failed');

    expect(element.className).toBe('receipt failed');
    expect(element.hasAttribute('title')).toBe(false);
    expect(element.querySelector('svg')).toBeNull();
    expect(element.textContent?.trim()).toBe('Not sent');
  });
});
