import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { Router } from '@angular/router';
import {
  LIMITS,
  highlightSegments,
  searchTerms,
  type HighlightRange,
  type SearchHit,
} from '@chat/shared-types';
import {
  catchError,
  debounceTime,
  distinctUntilChanged,
  map,
  of,
  startWith,
  switchMap,
} from 'rxjs';
import { describeHttpError } from '../../../core/http-error';
import { listTime } from '../../../shared/format-time';
import { ChatsApiService } from '../data/chats-api.service';

/** How long typing must pause before a query goes out; a newer query cancels the older. */
export const SEARCH_DEBOUNCE_MS = 250;
/** Characters of a hit shown before its first highlighted word. */
const LEAD_IN = 40;

interface SearchRequest {
  q: string;
  chatId: string | null;
}

interface SearchState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  request: SearchRequest | null;
  hits: SearchHit[];
  hasMore: boolean;
  loadingMore: boolean;
  error: string | null;
}

const IDLE: SearchState = {
  status: 'idle',
  request: null,
  hits: [],
  hasMore: false,
  loadingMore: false,
  error: null,
};

export interface HitView {
  hit: SearchHit;
  key: string;
  time: string;
  segments: { text: string; highlighted: boolean }[];
}

/**
 * The part of `content` to show: from a little before the first match, so the match is in
 * view however long the message is, cut into plain and highlighted pieces (rendered as text).
 */
export function hitExcerpt(content: string, ranges: readonly HighlightRange[]) {
  const first = ranges[0]?.[0] ?? 0;
  let from = first > LEAD_IN ? content.lastIndexOf(' ', first - LEAD_IN / 2) + 1 : 0;
  if (from > 0 && /[\uDC00-\uDFFF]/.test(content.charAt(from))) from += 1;
  const shifted = ranges.map(([s, e]): HighlightRange => [s - from, e - from]);
  const segments = highlightSegments(content.slice(from), shifted);
  return from > 0 ? [{ text: '…', highlighted: false }, ...segments] : segments;
}

/**
 * Search across every chat the user is in (or the open one): results as you type, keyboard
 * navigation (↑ ↓ Enter Esc, Ctrl/Cmd+K to focus), and a hit opens its chat at the message.
 */
@Component({
  selector: 'app-search-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './search-panel.html',
  styleUrl: './search-panel.css',
  host: { '(document:keydown)': 'onDocumentKey($event)' },
})
export class SearchPanel {
  private readonly api = inject(ChatsApiService);
  private readonly router = inject(Router);
  private readonly field = viewChild.required<ElementRef<HTMLInputElement>>('field');

  /** The open chat, for "search in this chat"; null when none is open. */
  readonly chatId = input<string | null>(null);
  readonly chatTitle = input('');
  /** True while results (or their states) are shown instead of the chat list. */
  readonly searching = output<boolean>();

  protected readonly maxLength = LIMITS.searchQueryMax;
  protected readonly query = signal('');
  protected readonly inChat = signal(false);
  protected readonly state = signal<SearchState>(IDLE);
  protected readonly active = signal(0);

  protected readonly scopeChatId = computed(() => (this.inChat() ? this.chatId() : null));
  protected readonly views = computed<HitView[]>(() => {
    const now = new Date();
    return this.state().hits.map((hit) => ({
      hit,
      key: `${hit.message.chatId}:${hit.message.id}`,
      time: listTime(hit.message.createdAt, now),
      segments: hitExcerpt(hit.message.content, hit.highlights),
    }));
  });
  protected readonly open = computed(() => this.query().trim().length > 0);

  constructor() {
    const request = computed<SearchRequest>(() => ({
      q: this.query().trim(),
      chatId: this.scopeChatId(),
    }));
    toObservable(request)
      .pipe(
        debounceTime(SEARCH_DEBOUNCE_MS),
        distinctUntilChanged((a, b) => a.q === b.q && a.chatId === b.chatId),
        switchMap((req) => this.run(req)),
        takeUntilDestroyed(),
      )
      .subscribe((state) => {
        this.state.set(state);
        this.active.set(0);
      });
    effect(() => this.searching.emit(this.open()));
    // The open chat changed: "in this chat" meant the previous one.
    effect(() => {
      if (!this.chatId()) this.inChat.set(false);
    });
  }

  protected onInput(value: string): void {
    this.query.set(value);
  }

  protected toggleInChat(): void {
    this.inChat.update((on) => !on);
    this.field().nativeElement.focus();
  }

  protected onKey(event: KeyboardEvent): void {
    const count = this.state().hits.length;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (count) this.active.update((i) => Math.min(i + 1, count - 1));
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (count) this.active.update((i) => Math.max(i - 1, 0));
        break;
      case 'Enter': {
        const hit = this.state().hits[this.active()];
        if (hit) {
          event.preventDefault();
          this.openHit(hit);
        }
        break;
      }
      case 'Escape':
        event.preventDefault();
        if (this.query()) this.clear();
        else this.field().nativeElement.blur();
        break;
    }
  }

  protected onDocumentKey(event: KeyboardEvent): void {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
      event.preventDefault();
      const field = this.field().nativeElement;
      field.focus();
      field.select();
    }
  }

  protected clear(): void {
    this.query.set('');
    this.field().nativeElement.value = '';
    this.field().nativeElement.focus();
  }

  protected openHit(hit: SearchHit): void {
    this.active.set(Math.max(0, this.state().hits.indexOf(hit)));
    void this.router.navigate(['/chats', hit.message.chatId], {
      queryParams: { at: hit.message.id },
    });
  }

  protected loadMore(): void {
    const current = this.state();
    const last = current.hits.at(-1);
    if (!current.request || !current.hasMore || current.loadingMore || !last) return;
    const request = current.request;
    this.state.set({ ...current, loadingMore: true });
    this.api
      .search({
        q: request.q,
        chatId: request.chatId ?? undefined,
        before: last.message.id,
        limit: LIMITS.searchDefault,
      })
      .subscribe({
        next: (page) => {
          if (this.state().request !== request) return;
          this.state.update((s) => ({
            ...s,
            hits: [...s.hits, ...page.hits],
            hasMore: page.hasMore,
            loadingMore: false,
          }));
        },
        error: (error: unknown) => {
          if (this.state().request !== request) return;
          this.state.update((s) => ({
            ...s,
            loadingMore: false,
            error: describeHttpError(error).message,
          }));
        },
      });
  }

  protected optionId(index: number): string {
    return `search-hit-${index}`;
  }

  private run(request: SearchRequest) {
    if (!request.q) return of(IDLE);
    // Only punctuation: nothing to look for, so no request.
    if (searchTerms(request.q).length === 0) {
      return of<SearchState>({ ...IDLE, status: 'ready', request });
    }
    return this.api
      .search({
        q: request.q,
        chatId: request.chatId ?? undefined,
        limit: LIMITS.searchDefault,
      })
      .pipe(
        map((page): SearchState => ({ ...IDLE, status: 'ready', request, ...page })),
        catchError((error: unknown) =>
          of<SearchState>({
            ...IDLE,
            status: 'error',
            request,
            error: describeHttpError(error).message,
          }),
        ),
        startWith<SearchState>({ ...this.state(), status: 'loading', request }),
      );
  }
}
