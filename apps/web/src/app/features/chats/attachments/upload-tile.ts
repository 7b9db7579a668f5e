import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { CloseIcon } from '../../../shared/close-icon';
import { fileLabel, formatSize } from './file-format';
import { UploadQueue, type Upload } from './upload-queue.service';

/** One file on its way: a preview or type label, progress with cancel, or the reason it failed. */
@Component({
  selector: 'app-upload-tile',
  imports: [CloseIcon],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './upload-tile.html',
  styleUrl: './upload-tile.css',
  host: { '[class.failed]': "upload().status === 'failed'" },
})
export class UploadTile {
  readonly upload = input.required<Upload>();

  protected readonly queue = inject(UploadQueue);
  protected readonly name = computed(() => this.upload().file.name || 'Pasted file');
  protected readonly label = computed(() =>
    fileLabel(this.upload().file.name, this.upload().file.type),
  );
  protected readonly size = computed(() => formatSize(this.upload().file.size));
  protected readonly percent = computed(() => {
    const { sent, file } = this.upload();
    return file.size > 0 ? Math.floor((sent / file.size) * 100) : 0;
  });
  protected readonly busy = computed(() => {
    const status = this.upload().status;
    return status === 'queued' || status === 'uploading' || status === 'offline';
  });
}
