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
import { CloseIcon } from '../../../shared/close-icon';
import type { Upload } from '../attachments/upload-queue.service';
import { UploadTile } from '../attachments/upload-tile';

/** Show how many characters are left once this close to the limit. */
export const COUNTER_FROM = LIMITS.contentMax - 500;

/**
 * Enter sends, Shift+Enter starts a new line; the draft of each chat is kept while away. Files
 * come from the attach button or a paste, and wait above the field (uploading) until sent.
 */
@Component({
  selector: 'app-composer',
  imports: [UploadTile, CloseIcon],
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
  /** Files waiting to go with the next message. */
  readonly uploads = input<readonly Upload[]>([]);

  readonly send = output<string>();
  readonly typing = output<void>();
  readonly stoppedTyping = output<void>();
  readonly dismissNotice = output<void>();
  readonly cancelReply = output<void>();
  /** Files picked or pasted. */
  readonly attach = output<File[]>();

  private readonly field = viewChild.required<ElementRef<HTMLTextAreaElement>>('field');
  private readonly drafts = new Map<string, string>();

  protected readonly max = LIMITS.contentMax;
  protected readonly text = linkedSignal(() => this.drafts.get(this.chatId()) ?? '');
  /** Characters as the server counts them: a 4-byte emoji is one. */
  protected readonly length = computed(() => textLength(this.text().trim()));
  protected readonly remaining = computed(() => LIMITS.contentMax - this.length());
  protected readonly showCounter = computed(() => this.length() >= COUNTER_FROM);
  protected readonly tooLong = computed(() => this.remaining() < 0);
  /** A refused file blocks sending until it is retried or removed. */
  protected readonly blockedByFile = computed(() =>
    this.uploads().some((upload) => upload.status === 'failed'),
  );
  protected readonly canSend = computed(
    () =>
      (this.length() > 0 || this.uploads().length > 0) && !this.tooLong() && !this.blockedByFile(),
  );

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

  protected onPicked(picker: HTMLInputElement): void {
    const files = Array.from(picker.files ?? []);
    picker.value = '';
    if (files.length > 0) this.attach.emit(files);
  }

  /** A picture or file pasted goes with the message; pasted text stays text. */
  protected onPaste(event: ClipboardEvent): void {
    const files = Array.from(event.clipboardData?.files ?? []);
    if (files.length === 0) return;
    event.preventDefault();
    this.attach.emit(files);
  }

  protected submit(): void {
    if (!this.canSend()) return;
    this.send.emit(this.text());
    this.text.set('');
    this.drafts.delete(this.chatId());
    this.focus();
  }
}
