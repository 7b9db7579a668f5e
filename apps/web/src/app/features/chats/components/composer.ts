import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  input,
  linkedSignal,
  output,
  viewChild,
} from '@angular/core';
import { LIMITS, textLength, type MessageRef } from '@chat/shared-types';

/** Show how many characters are left once this close to the limit. */
export const COUNTER_FROM = LIMITS.contentMax - 500;

/** Enter sends, Shift+Enter starts a new line; the draft of each chat is kept while away. */
@Component({
  selector: 'app-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './composer.html',
  styleUrl: './composer.css',
})
export class Composer {
  readonly chatId = input.required<string>();
  /** A problem with sending to tell the user about (role="alert"). */
  readonly notice = input<string | null>(null);
  /** The message being answered, quoted above the field (Esc cancels). */
  readonly replyTo = input<MessageRef | null>(null);

  readonly send = output<string>();
  readonly typing = output<void>();
  readonly stoppedTyping = output<void>();
  readonly dismissNotice = output<void>();
  readonly cancelReply = output<void>();

  private readonly field = viewChild.required<ElementRef<HTMLTextAreaElement>>('field');
  private readonly drafts = new Map<string, string>();

  protected readonly max = LIMITS.contentMax;
  protected readonly text = linkedSignal(() => this.drafts.get(this.chatId()) ?? '');
  /** Characters as the server counts them: a 4-byte emoji is one. */
  protected readonly length = computed(() => textLength(this.text().trim()));
  protected readonly remaining = computed(() => LIMITS.contentMax - this.length());
  protected readonly showCounter = computed(() => this.length() >= COUNTER_FROM);
  protected readonly tooLong = computed(() => this.remaining() < 0);
  protected readonly canSend = computed(() => this.length() > 0 && !this.tooLong());

  focus(): void {
    this.field().nativeElement.focus();
  }

  protected onInput(value: string): void {
    this.text.set(value);
    this.drafts.set(this.chatId(), value);
    if (value.trim()) this.typing.emit();
    else this.stoppedTyping.emit();
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.replyTo()) {
      event.preventDefault();
      this.cancelReply.emit();
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.submit();
  }

  protected submit(): void {
    if (!this.canSend()) return;
    this.send.emit(this.text());
    this.text.set('');
    this.drafts.delete(this.chatId());
    this.focus();
  }
}
