import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  TemplateRef,
  afterNextRender,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChildren,
} from '@angular/core';
import { NgTemplateOutlet } from '@angular/common';
import { LIMITS, type ChatMember } from '@chat/shared-types';
import { Avatar } from '../../../shared/avatar';
import { MembersStore } from '../data/members.store';
import { PresenceWatch } from '../data/presence-watch.service';

/** People picked in a picker, by id: `member` in or out. */
export function togglePicked(
  picked: ReadonlyMap<string, ChatMember>,
  member: ChatMember,
): ReadonlyMap<string, ChatMember> {
  const next = new Map(picked);
  if (next.has(member.id)) next.delete(member.id);
  else next.set(member.id, member);
  return next;
}

/** How close to the end of the list (px) the next page is asked for. */
const MORE_WITHIN_PX = 240;

/** What a row of a member list can show after the person: their controls in a group. */
export interface MemberRowContext {
  $implicit: ChatMember;
}

/**
 * The member list of a chat as large as an organization (`All`, a group): searched by name or
 * login (debounced), paged as the user scrolls, with presence dots for the rows on screen, which
 * it watches (`presence:watch`) as they change. Roles other than `member` are shown; a row can
 * carry controls (`actions`). As a people picker (`pickable`), each row is a checkbox.
 */
@Component({
  selector: 'app-member-list',
  imports: [Avatar, NgTemplateOutlet],
  providers: [MembersStore],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './member-list.html',
  styleUrl: './member-list.css',
})
export class MemberList {
  protected readonly store = inject(MembersStore);
  protected readonly presence = inject(PresenceWatch);
  private readonly rows = viewChildren<ElementRef<HTMLElement>>('row');
  private readonly onScreen = signal<ReadonlySet<string>>(new Set());

  readonly chatId = input.required<string>();
  readonly memberCount = input(0);
  readonly heading = input('Members');
  /** Controls shown at the end of each row (a group's member actions). */
  readonly actions = input<TemplateRef<MemberRowContext> | null>(null);
  /** Anything that changes when the list must be fetched again (membership, roles). */
  readonly revision = input<unknown>(null);
  /** Rows are checkboxes: pick people (a new group, people to add). */
  readonly pickable = input(false);
  readonly picked = input<ReadonlySet<string>>(new Set());
  /** People who cannot be picked, with why ("You", "Member"). */
  readonly locked = input<ReadonlyMap<string, string>>(new Map());
  readonly pick = output<ChatMember>();

  protected readonly searchMax = LIMITS.searchMax;
  protected readonly searchText = signal('');

  constructor() {
    effect(() => {
      const chatId = this.chatId();
      const search = this.searchText();
      untracked(() => this.store.search(chatId, search));
    });
    let revision: unknown = undefined;
    effect(() => {
      const next = this.revision();
      if (revision !== undefined && next !== revision) untracked(() => this.store.reload());
      revision = next;
    });
    effect(() => {
      const ids = [...this.onScreen()];
      untracked(() => this.presence.watch(ids));
    });
    this.observeRows();
  }

  protected onScroll(event: Event): void {
    const list = event.target as HTMLElement;
    if (list.scrollTop + list.clientHeight >= list.scrollHeight - MORE_WITHIN_PX) this.store.more();
  }

  /**
   * Which rows are on screen: an IntersectionObserver on each row where the browser has one,
   * else every row loaded (at most the watch limit).
   */
  private observeRows(): void {
    const destroyRef = inject(DestroyRef);
    // The effects below are made after the first render, outside the constructor's context.
    const injector = inject(Injector);
    destroyRef.onDestroy(() => this.presence.watch([]));
    afterNextRender(() => {
      if (typeof IntersectionObserver === 'undefined') {
        const all = effect(
          () => this.onScreen.set(new Set(this.store.members().map((member) => member.id))),
          { injector },
        );
        destroyRef.onDestroy(() => all.destroy());
        return;
      }
      const visible = new Set<string>();
      const observer = new IntersectionObserver((entries) => {
        for (const entry of entries) {
          const id = (entry.target as HTMLElement).dataset['userId'];
          if (!id) continue;
          if (entry.isIntersecting) visible.add(id);
          else visible.delete(id);
        }
        this.onScreen.set(new Set(visible));
      });
      const rows = effect(
        () => {
          observer.disconnect();
          visible.clear();
          for (const row of this.rows()) observer.observe(row.nativeElement);
        },
        { injector },
      );
      destroyRef.onDestroy(() => {
        rows.destroy();
        observer.disconnect();
      });
    });
  }
}
