import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { Router } from '@angular/router';
import {
  LIMITS,
  isGroupTitle,
  type Chat,
  type ChatMember,
  type ChatRole,
} from '@chat/shared-types';
import type { Observable } from 'rxjs';
import { SessionStore } from '../../../core/auth/session.store';
import { describeHttpError } from '../../../core/http-error';
import { ChatsApiService } from '../data/chats-api.service';
import { ChatsStore } from '../data/chats.store';
import { MemberList, togglePicked } from './member-list';
import { CloseIcon } from '../../../shared/close-icon';

/** What the signed-in user's role lets them do to `member` in a group. */
export interface MemberRights {
  setRole: boolean;
  remove: boolean;
}

/** The contract's rules: the owner sets roles; owner and admins remove, admins only members. */
export function rightsOver(myRole: ChatRole | null, member: ChatMember, me: string): MemberRights {
  if (member.id === me || member.role === 'owner' || myRole === null) {
    return { setRole: false, remove: false };
  }
  return {
    setRole: myRole === 'owner',
    remove: myRole === 'owner' || (myRole === 'admin' && member.role === 'member'),
  };
}

/** Whether a role may rename the group and add people. */
export function canManage(role: ChatRole | null): boolean {
  return role === 'owner' || role === 'admin';
}

type Mode = 'details' | 'add';

/**
 * A group's details beside its conversation: the title (renamed by its owner and admins), the
 * members with their roles and presence, adding people, roles, removing, and leaving. Controls
 * show only where the user's role allows them; what the API refuses is said in the panel.
 */
@Component({
  selector: 'app-group-panel',
  imports: [MemberList, CloseIcon],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    role: 'dialog',
    'aria-labelledby': 'group-panel-title',
    '(keydown.escape)': 'onEscape($event)',
  },
  templateUrl: './group-panel.html',
  styleUrl: './group-panel.css',
})
export class GroupPanel {
  private readonly api = inject(ChatsApiService);
  private readonly store = inject(ChatsStore);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  readonly chat = input.required<Chat>();
  readonly closed = output<void>();

  protected readonly titleMax = LIMITS.groupTitleMax;
  protected readonly me = computed(() => this.session.userId());
  protected readonly mode = signal<Mode>('details');
  protected readonly renaming = signal(false);
  protected readonly confirmingLeave = signal(false);
  /** The action under way (its label), so its button shows it and others wait. */
  protected readonly busy = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly picked = signal<ReadonlyMap<string, ChatMember>>(new Map());
  /** Bumped after each change this panel made, so the member list is fetched again. */
  private readonly changes = signal(0);

  /** The user's role when `chat.members` (at most 50 of a large group) leaves them out. */
  private readonly lookedUpRole = signal<{ chatId: string; role: ChatRole } | null>(null);
  protected readonly myRole = computed<ChatRole | null>(() => {
    const chat = this.chat();
    const listed = chat.members.find((member) => member.id === this.me())?.role;
    if (listed) return listed;
    const looked = this.lookedUpRole();
    return looked?.chatId === chat.id ? looked.role : null;
  });
  protected readonly manages = computed(() => canManage(this.myRole()));
  /** Membership and roles as the chat tells them: the list reloads when they change. */
  protected readonly revision = computed(() => {
    const chat = this.chat();
    const roles = chat.members.map((member) => `${member.id}:${member.role}`).join();
    return `${chat.memberCount}|${roles}|${this.changes()}`;
  });
  protected readonly pickedIds = computed(() => new Set(this.picked().keys()));
  /** In the add list, the group's members cannot be picked again. */
  protected readonly inGroup = computed(
    () => new Map(this.chat().members.map((member) => [member.id, 'Member'] as const)),
  );

  constructor() {
    let lookedUpFor: string | null = null;
    effect(() => {
      const chat = this.chat();
      const login = this.session.user()?.login;
      const listed = chat.members.some((member) => member.id === this.me());
      // Once per group while the panel is open (opening it again looks again).
      if (!listed && !chat.membersComplete && login && chat.id !== lookedUpFor) {
        lookedUpFor = chat.id;
        untracked(() => this.lookUpRole(chat.id, login));
      }
    });
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>('.close')?.focus());
  }

  private lookUpRole(chatId: string, login: string): void {
    this.api.members(chatId, { search: login, after: null }).subscribe({
      next: ({ members }) => {
        const me = members.find((member) => member.id === this.me());
        if (me) this.lookedUpRole.set({ chatId, role: me.role });
      },
      error: (error: unknown) => this.error.set(describeHttpError(error).message),
    });
  }

  protected rights(member: ChatMember): MemberRights {
    return rightsOver(this.myRole(), member, this.me());
  }

  protected roleLabel(role: ChatRole): string {
    return role === 'owner' ? 'Owner' : role === 'admin' ? 'Admin' : 'Member';
  }

  protected onEscape(event: Event): void {
    event.stopPropagation();
    if (this.confirmingLeave()) this.cancelLeave();
    else if (this.renaming()) this.stopRenaming();
    else if (this.mode() === 'add') this.showDetails();
    else this.closed.emit();
  }

  protected startRename(): void {
    this.error.set(null);
    this.renaming.set(true);
    setTimeout(() =>
      this.host.nativeElement.querySelector<HTMLInputElement>('#group-title')?.select(),
    );
  }

  protected rename(title: string): void {
    if (title.trim() === this.chat().title) {
      this.stopRenaming();
      return;
    }
    if (!isGroupTitle(title)) {
      this.error.set(`A group's name is 1 to ${this.titleMax} characters.`);
      return;
    }
    this.run('Renaming', this.api.rename(this.chat().id, title), (chat) => {
      if (chat) this.store.upsert(chat);
      this.stopRenaming();
    });
  }

  /** Back to the title, focus on its Rename button (the form's buttons are gone). */
  protected stopRenaming(): void {
    this.renaming.set(false);
    this.focusLater('.rename-btn');
  }

  /** Focuses what the next render shows, else the close button (the focused control went). */
  private focusLater(selector: string): void {
    setTimeout(() => {
      const host = this.host.nativeElement;
      (
        host.querySelector<HTMLElement>(selector) ?? host.querySelector<HTMLElement>('.close')
      )?.focus();
    });
  }

  protected showAdd(): void {
    this.error.set(null);
    this.picked.set(new Map());
    this.mode.set('add');
    this.focusLater('input[type=search]');
  }

  protected showDetails(): void {
    this.mode.set('details');
    this.picked.set(new Map());
    this.focusLater('.add-btn');
  }

  protected togglePick(member: ChatMember): void {
    this.picked.update((picked) => togglePicked(picked, member));
  }

  protected addPicked(): void {
    const ids = [...this.picked().keys()];
    if (ids.length === 0) return;
    this.run('Adding', this.api.addMembers(this.chat().id, ids), (chat) => {
      if (chat) this.store.upsert(chat);
      this.showDetails();
    });
  }

  protected setRole(member: ChatMember, role: 'admin' | 'member'): void {
    this.run(`role:${member.id}`, this.api.setRole(this.chat().id, member.id, role), (chat) => {
      if (chat) this.store.upsert(chat);
    });
  }

  protected remove(member: ChatMember): void {
    this.run(`remove:${member.id}`, this.api.removeMember(this.chat().id, member.id), () =>
      this.focusLater('.add-btn'),
    );
  }

  protected askLeave(): void {
    this.confirmingLeave.set(true);
    this.focusLater('.confirm .danger');
  }

  protected cancelLeave(): void {
    this.confirmingLeave.set(false);
    this.focusLater('.leave-btn');
  }

  protected leave(): void {
    this.run('Leaving', this.api.removeMember(this.chat().id, this.me()), () => {
      void this.router.navigateByUrl('/');
    });
  }

  /** One change at a time; HttpClient answers once (a 204 with a null body). */
  private run<T>(label: string, request: Observable<T>, done: (result: T | null) => void): void {
    if (this.busy()) return;
    this.busy.set(label);
    this.error.set(null);
    request.subscribe({
      next: (result) => {
        this.busy.set(null);
        this.changes.update((n) => n + 1);
        done(result);
      },
      error: (error: unknown) => {
        this.busy.set(null);
        const problem = describeHttpError(error);
        this.error.set(
          problem.code === 'forbidden'
            ? `Not allowed: ${problem.message}`
            : `That didn't work: ${problem.message}`,
        );
      },
    });
  }
}
