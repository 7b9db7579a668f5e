import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { LIMITS } from '@chat/shared-types';
import { AuthPage } from './auth-page';

describe('AuthPage (register)', () => {
  async function fillFullName(name: string): Promise<HTMLElement> {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    const fixture = TestBed.createComponent(AuthPage);
    fixture.componentRef.setInput('mode', 'register');
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    const field = element.querySelector<HTMLInputElement>('#fullName');
    if (!field) throw new Error('no full name field');
    field.value = name;
    field.dispatchEvent(new Event('input'));
    field.dispatchEvent(new Event('blur'));
    await fixture.whenStable();
    return element;
  }

  it(`takes a name of ${LIMITS.fullNameMax} emoji, as the server does, without cutting it short`, async () => {
    const element = await fillFullName('😀'.repeat(LIMITS.fullNameMax));

    expect(element.querySelector('#fullName')?.hasAttribute('maxlength')).toBe(false);
    expect(element.querySelector('#fullName-error')).toBeNull();
  });

  it('counts an emoji as one character over the limit too', async () => {
    const element = await fillFullName('😀'.repeat(LIMITS.fullNameMax + 1));

    expect(element.querySelector('#fullName-error')?.textContent?.trim()).toBe(
      `At most ${LIMITS.fullNameMax} characters.`,
    );
  });
});
