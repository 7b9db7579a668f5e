import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { SearchHit, SearchPage } from '@chat/shared-types';
import { BOB, DM_BOB, message } from '../../../../testing/chat-testing';
import { SEARCH_DEBOUNCE_MS, SearchPanel, hitExcerpt } from './search-panel';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function hit(content: string, highlights: [number, number][], chatTitle = 'Bob Stone'): SearchHit {
  return { message: message(DM_BOB, BOB, { content }), chatTitle, highlights };
}

describe('SearchPanel', () => {
  let fixture: ComponentFixture<SearchPanel>;
  let element: HTMLElement;
  let http: HttpTestingController;
  let field: HTMLInputElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(SearchPanel);
    element = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
    field = element.querySelector('input') as HTMLInputElement;
  });

  afterEach(() => http.verify());

  async function type(text: string): Promise<void> {
    field.value = text;
    field.dispatchEvent(new Event('input'));
    await fixture.whenStable();
  }

  async function key(name: string, init: KeyboardEventInit = {}, target: EventTarget = field) {
    target.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, ...init }));
    await fixture.whenStable();
  }

  const searches = () => http.match((r) => r.url === '/api/search');

  async function answer(page: SearchPage): Promise<URLSearchParams> {
    const [request] = searches();
    if (!request) throw new Error('no search request');
    request.flush(page);
    await fixture.whenStable();
    return new URLSearchParams(request.request.params.toString());
  }

  it('searches once typing pauses, and a newer query cancels the one in flight', async () => {
    await type('caf');
    expect(searches()).toHaveLength(0);
    await pause(SEARCH_DEBOUNCE_MS + 50);
    const [first] = searches();
    expect(first?.request.params.get('q')).toBe('caf');

    await type('café');
    await pause(SEARCH_DEBOUNCE_MS + 50);
    expect(first?.cancelled).toBe(true);
    const params = await answer({ hits: [hit('Un café', [[3, 7]])], hasMore: false });
    expect(params.get('q')).toBe('café');

    const mark = element.querySelector('mark');
    expect(mark?.textContent).toBe('café');
    expect(element.querySelector('[role=option]')?.textContent).toContain('Bob Stone');
  });

  it('says when nothing matches, when the search failed, and sends nothing for punctuation', async () => {
    await type('zzz');
    await pause(SEARCH_DEBOUNCE_MS + 50);
    await answer({ hits: [], hasMore: false });
    expect(element.textContent).toContain('No messages match “zzz”');

    await type('boom');
    await pause(SEARCH_DEBOUNCE_MS + 50);
    searches()[0]?.flush(
      { statusCode: 503, error: 'unavailable', message: 'Database unavailable' },
      { status: 503, statusText: 'Service Unavailable' },
    );
    await fixture.whenStable();
    expect(element.querySelector('[role=alert]')?.textContent).toContain('Database unavailable');

    await type('?!…');
    await pause(SEARCH_DEBOUNCE_MS + 50);
    expect(searches()).toHaveLength(0);
    expect(element.textContent).toContain('No messages match');
  });

  it('moves through hits with the arrow keys and opens the chosen one at its message with Enter', async () => {
    const router = TestBed.inject(Router);
    const navigate = vi.spyOn(router, 'navigate').mockResolvedValue(true);
    await type('hello');
    await pause(SEARCH_DEBOUNCE_MS + 50);
    const hits = [hit('hello one', [[0, 5]]), hit('hello two', [[0, 5]])];
    await answer({ hits, hasMore: false });

    const selected = () =>
      Array.from(element.querySelectorAll('[role=option]')).map((o) =>
        o.getAttribute('aria-selected'),
      );
    expect(selected()).toEqual(['true', 'false']);
    await key('ArrowDown');
    await key('ArrowDown');
    expect(selected()).toEqual(['false', 'true']);
    expect(field.getAttribute('aria-activedescendant')).toBe('search-hit-1');
    await key('Enter');
    expect(navigate).toHaveBeenCalledWith(['/chats', DM_BOB], {
      queryParams: { at: hits[1]?.message.id },
    });

    await key('Escape');
    expect(field.value).toBe('');
    expect(element.querySelector('[role=listbox]')).toBeNull();
  });

  it('focuses the field on Ctrl+K and Cmd+K anywhere on the page', async () => {
    field.blur();
    await key('k', { ctrlKey: true }, document.body);
    expect(document.activeElement).toBe(field);
    field.blur();
    await key('K', { metaKey: true }, document.body);
    expect(document.activeElement).toBe(field);
  });

  it('searches only the open chat when "Search in this chat" is pressed', async () => {
    fixture.componentRef.setInput('chatId', DM_BOB);
    fixture.componentRef.setInput('chatTitle', 'Bob Stone');
    await fixture.whenStable();
    const scope = element.querySelector<HTMLButtonElement>('button[aria-pressed]');
    scope?.click();
    await fixture.whenStable();
    expect(scope?.getAttribute('aria-pressed')).toBe('true');

    await type('plans');
    await pause(SEARCH_DEBOUNCE_MS + 50);
    const params = await answer({ hits: [], hasMore: false });
    expect(params.get('chatId')).toBe(DM_BOB);
  });

  it('renders message text as text, never as markup', async () => {
    await type('img');
    await pause(SEARCH_DEBOUNCE_MS + 50);
    await answer({ hits: [hit('<img src=x onerror=alert(1)> img', [[29, 32]])], hasMore: false });
    expect(element.querySelector('[role=option] img')).toBeNull();
    expect(element.textContent).toContain('<img src=x onerror=alert(1)>');
  });
});

describe('hitExcerpt', () => {
  it('starts a little before the first match of a long message, with the ranges moved along', () => {
    const content = `${'word '.repeat(30)}needle here`;
    const start = content.indexOf('needle');
    const segments = hitExcerpt(content, [[start, start + 6]]);
    expect(segments[0]).toEqual({ text: '…', highlighted: false });
    expect(segments.filter((s) => s.highlighted).map((s) => s.text)).toEqual(['needle']);
    expect(
      segments
        .map((s) => s.text)
        .join('')
        .endsWith('word needle here'),
    ).toBe(true);
  });
});
