import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  afterNextRender,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChildren,
} from '@angular/core';
import { LIMITS } from '@chat/shared-types';
import { Avatar } from '../../../shared/avatar';
import { MembersStore } from '../data/members.store';
import { PresenceWatch } from '../data/presence-watch.service';

/** How close to the end of the list (px) the next page is asked for. */
const MORE_WITHIN_PX = 240;

/**
 * The member list of a chat as large as an organization (`All`): searched by name or login
 * (debounced), paged as the user scrolls, with presence dots for the rows on screen, which it
 * watches (`presence:watch`) as they change.
 */
@Component({
  selector: 'app-member-list',
  imports: [Avatar],
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

  protected readonly searchMax = LIMITS.searchMax;
  protected readonly searchText = signal('');

  constructor() {
    effect(() => {
      const chatId = this.chatId();
      const search = this.searchText();
      untracked(() => this.store.search(chatId, search));
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
