import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  computed,
  effect,
  inject,
  input,
  output,
  untracked,
} from '@angular/core';
import type { Attachment } from '@chat/shared-types';
import { MessagesStore } from '../data/messages.store';
import { fileLabel, formatSize, isExpired } from './file-format';
import { UploadQueue } from './upload-queue.service';
import { UploadTile } from './upload-tile';

/** The longest side a lone photo is shown at in the timeline, in CSS pixels. */
const PHOTO_MAX_WIDTH = 280;
const PHOTO_MAX_HEIGHT = 320;

interface PhotoView {
  attachment: Attachment;
  src: string | null;
  /** The size it is shown at, known before it loads, so the timeline does not jump. */
  width: number;
  height: number;
}

/** A photo's size scaled down to fit the timeline's box, keeping its proportions. */
function fitted(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, PHOTO_MAX_WIDTH / width, PHOTO_MAX_HEIGHT / Math.max(height, 1));
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

/**
 * The files of one message. Stored ones: photos as thumbnails (opened full size on click) and
 * other files as a name, size and icon that download on click; URLs past their expiry are
 * fetched anew first. A message of ours on its way: its uploads, with progress.
 */
@Component({
  selector: 'app-message-attachments',
  imports: [UploadTile],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './message-attachments.html',
  styleUrl: './message-attachments.css',
})
export class MessageAttachments {
  readonly chatId = input.required<string>();
  readonly messageId = input<string | null>(null);
  readonly clientId = input.required<string>();
  readonly attachments = input<readonly Attachment[]>([]);
  /** A message of ours still on its way with files. */
  readonly pending = input(false);

  /** A photo to show full size (its attachment id). */
  readonly open = output<string>();

  private readonly store = inject(MessagesStore);
  private readonly uploadQueue = inject(UploadQueue);
  private readonly document = inject(DOCUMENT);
  /** A load that failed is refreshed once, not in a loop. */
  private refreshedAfterError = false;

  protected readonly uploads = computed(() =>
    this.pending() ? this.uploadQueue.of(this.clientId()) : [],
  );
  private readonly expired = computed(() =>
    this.attachments().some((a) => isExpired(a.thumbnailUrl ?? a.url)),
  );

  protected readonly photos = computed<PhotoView[]>(() => {
    const images = this.attachments().filter((a) => a.kind === 'image');
    const expired = this.expired();
    return images.map((attachment) => {
      const width = attachment.width ?? PHOTO_MAX_WIDTH;
      const height = attachment.height ?? PHOTO_MAX_WIDTH;
      return {
        attachment,
        // An expired URL would show a broken image: wait for the fresh one instead.
        src: expired ? null : (attachment.thumbnailUrl ?? attachment.url),
        ...fitted(width, height),
      };
    });
  });
  protected readonly files = computed(() =>
    this.attachments()
      .filter((a) => a.kind === 'file')
      .map((attachment) => ({
        attachment,
        label: fileLabel(attachment.name, attachment.mime),
        size: formatSize(attachment.size),
      })),
  );

  constructor() {
    effect(() => {
      if (this.expired()) untracked(() => void this.refresh());
    });
  }

  protected onImageError(): void {
    if (this.refreshedAfterError) return;
    this.refreshedAfterError = true;
    void this.refresh();
  }

  /** Downloads a file, through a fresh URL when the one held has expired. */
  protected async download(event: MouseEvent, attachment: Attachment): Promise<void> {
    if (!isExpired(attachment.url)) return;
    event.preventDefault();
    const fresh = (await this.refresh())?.find((a) => a.id === attachment.id);
    if (!fresh) return;
    const link = this.document.createElement('a');
    link.href = fresh.url;
    link.download = fresh.name;
    link.click();
  }

  private refresh(): Promise<readonly Attachment[] | null> {
    const messageId = this.messageId();
    if (!messageId) return Promise.resolve(null);
    return this.store.refreshAttachments(this.chatId(), messageId);
  }
}
