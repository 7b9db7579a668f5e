import { Directive, output, signal } from '@angular/core';

/** Whether a drag carries files (not text or a link dragged from the page). */
function carriesFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Files dragged from the desktop onto the element: `dropping` (a host class) while they hover,
 * `filesDropped` when they land.
 */
@Directive({
  selector: '[appFileDrop]',
  host: {
    '[class.dropping]': 'dropping()',
    '(dragenter)': 'onDragEnter($event)',
    '(dragover)': 'onDragOver($event)',
    '(dragleave)': 'onDragLeave($event)',
    '(drop)': 'onDrop($event)',
  },
})
export class FileDrop {
  readonly filesDropped = output<File[]>();
  protected readonly dropping = signal(false);
  /** dragenter and dragleave fire for every child crossed: count them. */
  private depth = 0;

  protected onDragEnter(event: DragEvent): void {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    this.depth++;
    this.dropping.set(true);
  }

  protected onDragOver(event: DragEvent): void {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  }

  protected onDragLeave(event: DragEvent): void {
    if (!carriesFiles(event)) return;
    this.depth = Math.max(this.depth - 1, 0);
    if (this.depth === 0) this.dropping.set(false);
  }

  protected onDrop(event: DragEvent): void {
    this.depth = 0;
    this.dropping.set(false);
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length === 0) return;
    event.preventDefault();
    this.filesDropped.emit(files);
  }
}
