import { Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { LIMITS, type ChatMember } from '@chat/shared-types';
import {
  EMPTY,
  Subject,
  catchError,
  debounceTime,
  distinctUntilChanged,
  exhaustMap,
  map,
  merge,
  switchMap,
  tap,
} from 'rxjs';
import { describeHttpError } from '../../../core/http-error';
import { ChatsApiService } from './chats-api.service';

export type MembersStatus = 'idle' | 'loading' | 'ready' | 'error';

/** How long typing must pause before a search goes out. */
export const MEMBER_SEARCH_DEBOUNCE_MS = 250;

interface Query {
  chatId: string;
  search: string;
}

/**
 * A chat's member list a page at a time (GET /api/chats/:id/members), for `All` where it can
 * hold an organization: the first page of a search replaces the list, `more()` appends the
 * next page from the cursor (one request at a time), and a page that arrives for a search the
 * user has since replaced is dropped.
 */
@Injectable()
export class MembersStore {
  private readonly api = inject(ChatsApiService);
  private readonly searches = new Subject<Query>();
  private readonly nextPages = new Subject<void>();
  private readonly reloads = new Subject<void>();
  private cursor: string | null = null;
  private query: Query = { chatId: '', search: '' };

  readonly members = signal<readonly ChatMember[]>([]);
  readonly status = signal<MembersStatus>('idle');
  readonly error = signal<string | null>(null);
  readonly hasMore = signal(false);

  constructor() {
    const first = this.searches.pipe(
      debounceTime(MEMBER_SEARCH_DEBOUNCE_MS),
      map(({ chatId, search }) => ({ chatId, search: search.trim().slice(0, LIMITS.searchMax) })),
      distinctUntilChanged((a, b) => a.chatId === b.chatId && a.search === b.search),
      tap((query) => (this.query = query)),
      switchMap((query) => this.load(query, null)),
    );
    const next = this.nextPages.pipe(
      exhaustMap(() => (this.cursor ? this.load(this.query, this.cursor) : EMPTY)),
    );
    const again = this.reloads.pipe(switchMap(() => this.load(this.query, null)));
    merge(first, next, again)
      .pipe(takeUntilDestroyed())
      .subscribe(({ query, after, page }) => {
        if (query !== this.query) return;
        this.cursor = page.nextCursor;
        this.members.update((shown) => (after ? [...shown, ...page.members] : page.members));
        this.hasMore.set(page.nextCursor !== null);
        this.status.set('ready');
        this.error.set(null);
      });
  }

  /** Shows the members of `chatId` matching `search` (debounced; the same query is not re-sent). */
  search(chatId: string, search: string): void {
    this.searches.next({ chatId, search });
  }

  /** The current search again from its first page: members, roles or names changed. */
  reload(): void {
    if (this.query.chatId) this.reloads.next();
  }

  /** The next page, when there is one and none is on its way. */
  more(): void {
    this.nextPages.next();
  }

  private load(query: Query, after: string | null) {
    this.status.set('loading');
    return this.api.members(query.chatId, { search: query.search, after }).pipe(
      map((page) => ({ query, after, page })),
      catchError((error: unknown) => {
        if (query === this.query) {
          this.status.set('error');
          this.error.set(describeHttpError(error).message);
        }
        return EMPTY;
      }),
    );
  }
}
