import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { Router } from '@angular/router';
import { GLOBAL_CHAT_ID, LIMITS, isGroupTitle, type ChatMember } from '@chat/shared-types';
import { SessionStore } from '../../../core/auth/session.store';
import { describeHttpError } from '../../../core/http-error';
import { BackToChats } from '../../../shared/back-to-chats';
import { CloseIcon } from '../../../shared/close-icon';
import { MemberList, togglePicked } from '../components/member-list';
import { ChatsApiService } from '../data/chats-api.service';
import { ChatsStore } from '../data/chats.store';

/**
 * A new group: its name and the people in it, picked from everyone (the member list of `All`,
 * searched and paged). It opens at once, for the creator and for everyone picked.
 */
@Component({
  selector: 'app-new-group-page',
  imports: [BackToChats, MemberList, CloseIcon],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(keydown.escape)': 'close()' },
  templateUrl: './new-group-page.html',
  styleUrls: ['./person-picker-page.css', './new-group-page.css'],
})
export class NewGroupPage {
  private readonly api = inject(ChatsApiService);
  private readonly store = inject(ChatsStore);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);
  private readonly nameBox = viewChild.required<ElementRef<HTMLInputElement>>('nameBox');

  protected readonly everyone = GLOBAL_CHAT_ID;
  protected readonly titleMax = LIMITS.groupTitleMax;
  protected readonly title = signal('');
  protected readonly picked = signal<ReadonlyMap<string, ChatMember>>(new Map());
  protected readonly pickedIds = computed(() => new Set(this.picked().keys()));
  protected readonly pickedPeople = computed(() => [...this.picked().values()]);
  protected readonly me = computed(() => new Map([[this.session.userId(), 'You']]));
  protected readonly creating = signal(false);
  protected readonly error = signal<string | null>(null);
  /** Set once the user tried to create: the form then says what is missing. */
  protected readonly tried = signal(false);
  protected readonly titleProblem = computed(() =>
    isGroupTitle(this.title()) ? null : `Name the group (1 to ${this.titleMax} characters).`,
  );
  protected readonly peopleProblem = computed(() =>
    this.picked().size > 0 ? null : 'Pick at least one person.',
  );

  constructor() {
    afterNextRender(() => this.nameBox().nativeElement.focus());
  }

  protected close(): void {
    void this.router.navigateByUrl('/');
  }

  protected toggle(member: ChatMember): void {
    this.picked.update((picked) => togglePicked(picked, member));
  }

  protected create(): void {
    this.tried.set(true);
    if (this.creating() || this.titleProblem() || this.peopleProblem()) return;
    this.creating.set(true);
    this.error.set(null);
    this.api.createGroup(this.title(), [...this.picked().keys()]).subscribe({
      next: (chat) => {
        this.store.upsert(chat);
        this.creating.set(false);
        void this.router.navigate(['/chats', chat.id]);
      },
      error: (error: unknown) => {
        this.creating.set(false);
        const problem = describeHttpError(error);
        this.error.set(
          problem.code === 'not_found'
            ? 'Someone you picked is no longer here. Check the people and try again.'
            : `Couldn't create the group: ${problem.message}`,
        );
      },
    });
  }
}
