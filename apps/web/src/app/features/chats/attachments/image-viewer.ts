import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  linkedSignal,
  output,
  untracked,
  viewChild,
} from '@angular/core';
import type { Attachment } from '@chat/shared-types';
import { CloseIcon } from '../../../shared/close-icon';
import { clockTime } from '../../../shared/format-time';
import { MessagesStore } from '../data/messages.store';
import { formatSize, isExpired } from './file-format';

/** A photo of the chat as the viewer pages through them. */
export interface ViewerImage {
  attachment: Attachment;
  messageId: string;
  senderName: string;
  createdAt: string;
}

/**
 * A photo full size in a modal dialog: Esc closes it, the arrow keys (and the side buttons)
 * move through the photos of the chat; focus returns where it was on closing.
 */
@Component({
  selector: 'app-image-viewer',
  imports: [CloseIcon],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './image-viewer.html',
  styleUrl: './image-viewer.css',
})
export class ImageViewer {
  readonly chatId = input.required<string>();
  readonly images = input.required<readonly ViewerImage[]>();
  /** The attachment id to open at. */
  readonly startId = input.required<string>();
  readonly closed = output<void>();

  private readonly store = inject(MessagesStore);
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  protected readonly currentId = linkedSignal(() => this.startId());
  protected readonly index = computed(() =>
    Math.max(
      this.images().findIndex((image) => image.attachment.id === this.currentId()),
      0,
    ),
  );
  protected readonly current = computed(() => this.images()[this.index()]);
  protected readonly src = computed(() => {
    const url = this.current()?.attachment.url ?? null;
    return isExpired(url) ? null : url;
  });
  protected readonly caption = computed(() => {
    const image = this.current();
    return image
      ? `${image.senderName} · ${clockTime(image.createdAt)} · ${formatSize(image.attachment.size)}`
      : '';
  });

  constructor() {
    afterNextRender(() => this.dialog().nativeElement.showModal());
    effect(() => {
      const image = this.current();
      if (image && this.src() === null) {
        untracked(() => void this.store.refreshAttachments(this.chatId(), image.messageId));
      }
    });
  }

  protected move(step: number): void {
    const next = this.images()[this.index() + step];
    if (next) this.currentId.set(next.attachment.id);
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.key === 'ArrowLeft') this.move(-1);
    else if (event.key === 'ArrowRight') this.move(1);
    else return;
    event.preventDefault();
  }

  protected close(): void {
    this.dialog().nativeElement.close();
  }

  /** A click beside the photo and the controls closes it. */
  protected onClick(event: MouseEvent): void {
    const target = event.target as HTMLElement;
    if (target === this.dialog().nativeElement || target.classList.contains('stage')) this.close();
  }

  protected onImageError(): void {
    const image = this.current();
    if (image) void this.store.refreshAttachments(this.chatId(), image.messageId);
  }
}
