import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  inject,
  input,
  output,
} from '@angular/core';

/** The quick reactions offered in the menu. */
export const QUICK_EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🙏', '🎉', '🔥'] as const;

export type MessageAction =
  | { kind: 'reply' }
  | { kind: 'react'; emoji: string }
  | { kind: 'edit' }
  | { kind: 'delete' }
  | { kind: 'copy' };

/**
 * What can be done with one message: a row of quick reactions, then Reply, Edit and Delete
 * (own messages), Copy text. A WAI-ARIA menu: focus starts on its first item, arrow keys,
 * Home and End move between items, Esc and Tab close it (focus goes back to the message).
 */
@Component({
  selector: 'app-message-menu',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    role: 'menu',
    'aria-label': 'Message actions',
    '(keydown)': 'onKeydown($event)',
  },
  template: `
    <div class="reactions" role="group" aria-label="React">
      @for (emoji of emoji; track emoji) {
        <button
          type="button"
          role="menuitem"
          class="emoji"
          tabindex="-1"
          [class.mine]="mine().includes(emoji)"
          [attr.aria-label]="(mine().includes(emoji) ? 'Remove ' : 'React with ') + emoji"
          (click)="act({ kind: 'react', emoji })"
        >
          {{ emoji }}
        </button>
      }
    </div>
    <button type="button" role="menuitem" tabindex="-1" (click)="act({ kind: 'reply' })">
      Reply
    </button>
    @if (own()) {
      <button type="button" role="menuitem" tabindex="-1" (click)="act({ kind: 'edit' })">
        Edit
      </button>
    }
    <button type="button" role="menuitem" tabindex="-1" (click)="act({ kind: 'copy' })">
      Copy text
    </button>
    @if (own()) {
      <button
        type="button"
        role="menuitem"
        tabindex="-1"
        class="danger"
        (click)="act({ kind: 'delete' })"
      >
        Delete
      </button>
    }
  `,
  styleUrl: './message-menu.css',
})
export class MessageMenu {
  /** The message is the user's own: Edit and Delete are offered. */
  readonly own = input(false);
  /** Emoji the user already set on the message (picking one again clears it). */
  readonly mine = input<readonly string[]>([]);

  readonly action = output<MessageAction>();
  readonly closed = output<void>();

  protected readonly emoji = QUICK_EMOJI;
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  constructor() {
    afterNextRender(() => this.items()[0]?.focus());
  }

  protected act(action: MessageAction): void {
    this.action.emit(action);
  }

  protected onKeydown(event: KeyboardEvent): void {
    const items = this.items();
    const index = items.indexOf(event.target as HTMLButtonElement);
    let next: number | null = null;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowRight':
        next = (index + 1) % items.length;
        break;
      case 'ArrowUp':
      case 'ArrowLeft':
        next = (index - 1 + items.length) % items.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = items.length - 1;
        break;
      case 'Escape':
      case 'Tab':
        event.preventDefault();
        event.stopPropagation();
        this.closed.emit();
        return;
      default:
        return;
    }
    event.preventDefault();
    items[next]?.focus();
  }

  private items(): HTMLButtonElement[] {
    return Array.from(
      this.host.nativeElement.querySelectorAll<HTMLButtonElement>('[role="menuitem"]'),
    );
  }
}
