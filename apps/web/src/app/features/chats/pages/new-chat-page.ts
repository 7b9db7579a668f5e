import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router } from '@angular/router';
import { LIMITS, type User } from '@chat/shared-types';
import {
  Subject,
  catchError,
  debounceTime,
  distinctUntilChanged,
  map,
  of,
  startWith,
  switchMap,
} from 'rxjs';
import { describeHttpError } from '../../../core/http-error';
import { Avatar } from '../../../shared/avatar';
import { BackToChats } from '../../../shared/back-to-chats';
import { ChatsApiService } from '../data/chats-api.service';
import { ChatsStore } from '../data/chats.store';
import { PresenceWatch } from '../data/presence-watch.service';

type PeopleState =
  | { status: 'loading' }
  | { status: 'ready'; people: User[]; search: string }
  | { status: 'error'; message: string };

/** The people the user has no direct chat with yet; picking one opens a chat with them. */
@Component({
  selector: 'app-new-chat-page',
  imports: [Avatar, BackToChats],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(keydown.escape)': 'close()' },
  templateUrl: './new-chat-page.html',
  styleUrls: ['./person-picker-page.css', './new-chat-page.css'],
})
export class NewChatPage {
  private readonly api = inject(ChatsApiService);
  private readonly store = inject(ChatsStore);
  private readonly router = inject(Router);
  protected readonly presence = inject(PresenceWatch);
  private readonly searchBox = viewChild.required<ElementRef<HTMLInputElement>>('searchBox');
  private readonly searches = new Subject<string>();
  private readonly reloads = new Subject<void>();

  protected readonly searchMax = LIMITS.searchMax;
  protected readonly state = signal<PeopleState>({ status: 'loading' });
  protected readonly creatingWith = signal<string | null>(null);
  protected readonly createError = signal<string | null>(null);
  private lastSearch = '';

  constructor() {
    this.reloads
      .pipe(
        startWith(undefined),
        switchMap(() =>
          this.searches.pipe(
            startWith(this.lastSearch),
            map((search) => search.trim()),
            debounceTime(200),
            distinctUntilChanged(),
          ),
        ),
        switchMap((search) => {
          this.state.set({ status: 'loading' });
          return this.api.availablePeople(search).pipe(
            map((people): PeopleState => ({ status: 'ready', people, search })),
            catchError((error: unknown) =>
              of<PeopleState>({ status: 'error', message: describeHttpError(error).message }),
            ),
          );
        }),
        takeUntilDestroyed(),
      )
      .subscribe((state) => {
        this.state.set(state);
        // The people shown may share no chat with the user: ask for their presence.
        if (state.status === 'ready') this.presence.watch(state.people.map((p) => p.id));
      });
    inject(DestroyRef).onDestroy(() => this.presence.watch([]));

    afterNextRender(() => this.searchBox().nativeElement.focus());
  }

  protected search(value: string): void {
    this.lastSearch = value;
    this.searches.next(value);
  }

  protected close(): void {
    void this.router.navigateByUrl('/');
  }

  protected retry(): void {
    this.reloads.next();
  }

  protected start(person: User): void {
    if (this.creatingWith()) return;
    this.creatingWith.set(person.id);
    this.createError.set(null);
    this.api.create(person.id).subscribe({
      next: (chat) => {
        this.store.upsert(chat);
        this.creatingWith.set(null);
        void this.router.navigate(['/chats', chat.id]);
      },
      error: (error: unknown) => {
        this.creatingWith.set(null);
        const problem = describeHttpError(error);
        this.createError.set(
          problem.code === 'not_found'
            ? `${person.fullName} is no longer here. Pick someone else.`
            : `Couldn't start the chat: ${problem.message}`,
        );
      },
    });
  }
}
