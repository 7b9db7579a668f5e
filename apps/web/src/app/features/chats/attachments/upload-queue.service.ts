import { HttpEventType } from '@angular/common/http';
import { DOCUMENT, DestroyRef, Injectable, inject, signal } from '@angular/core';
import { LIMITS, type Attachment } from '@chat/shared-types';
import { Subject, Subscription } from 'rxjs';
import { AttachmentsApi, uploadProblem } from './attachments-api';

/**
 * - `queued`: waits for a free slot
 * - `uploading`
 * - `offline`: the network or the server is away; starts again by itself
 * - `done`: stored on the server (`attachment`)
 * - `failed`: the server refused it (`error`); the user retries or removes it
 */
export type UploadStatus = 'queued' | 'uploading' | 'offline' | 'done' | 'failed';

/** A file on its way to a chat. */
export interface Upload {
  id: string;
  chatId: string;
  /** The message it belongs to once sent; null while it waits in the composer. */
  clientId: string | null;
  file: File;
  /** A small local picture of an image file (a data: URL), shown while it uploads. */
  previewUrl: string | null;
  status: UploadStatus;
  /** Bytes the server has received so far. */
  sent: number;
  attachment: Attachment | null;
  error: string | null;
}

export const PARALLEL_UPLOADS = 3;
export const RETRY_FIRST_MS = 1_000;
export const RETRY_MAX_MS = 15_000;

/** Image types a browser decodes, so a local preview can be made. */
const PREVIEWABLE = /^image\/(png|jpeg|gif|webp|avif|bmp)$/;
/** Longest side of a local preview, in pixels (tiles show it at 44 CSS px). */
const PREVIEW_SIDE = 128;

/**
 * A small picture of an image file, as a data: URL (the app's CSP allows data: images and not
 * blob: ones); null when the browser cannot decode it.
 */
async function previewOf(file: File): Promise<string | null> {
  if (!PREVIEWABLE.test(file.type) || typeof createImageBitmap !== 'function') return null;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PREVIEW_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return canvas.toDataURL('image/jpeg', 0.8);
  } catch {
    return null;
  }
}

/**
 * Uploads of the session, a few at a time. A file starts uploading as soon as it is picked; a
 * dropped connection puts it back to wait, and it starts again from the beginning when the
 * browser is back online (or after a growing pause, should no `online` event come). The send
 * queue asks `attachmentIds` before sending a message, so no message leaves with a file missing.
 */
@Injectable()
export class UploadQueue {
  private readonly api = inject(AttachmentsApi);
  private readonly window = inject(DOCUMENT).defaultView;
  private readonly list = signal<readonly Upload[]>([]);
  private readonly running = new Map<string, Subscription>();
  private readonly attempts = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly changed = new Subject<void>();

  readonly uploads = this.list.asReadonly();
  /** An upload finished or was removed: messages waiting on it may be ready. */
  readonly changed$ = this.changed.asObservable();

  constructor() {
    const window = this.window;
    const online = () => this.resume();
    const offline = () => this.pause();
    window?.addEventListener('online', online);
    window?.addEventListener('offline', offline);
    inject(DestroyRef).onDestroy(() => {
      window?.removeEventListener('online', online);
      window?.removeEventListener('offline', offline);
      this.running.forEach((subscription) => subscription.unsubscribe());
      this.timers.forEach((timer) => clearTimeout(timer));
      this.changed.complete();
    });
  }

  /** Adds files to the composer of `chatId` and starts them; says why any were left out. */
  add(chatId: string, files: readonly File[]): string | null {
    const room = Math.max(LIMITS.attachmentsMax - this.draftIn(chatId).length, 0);
    const taken = files.slice(0, room);
    const added = taken.map<Upload>((file) => ({
      id: crypto.randomUUID(),
      chatId,
      clientId: null,
      file,
      previewUrl: null,
      status: 'queued',
      sent: 0,
      attachment: null,
      error: null,
    }));
    this.list.update((list) => [...list, ...added]);
    for (const upload of added) {
      void previewOf(upload.file).then((previewUrl) => {
        if (previewUrl) this.patch(upload.id, { previewUrl });
      });
    }
    this.pump();
    return taken.length < files.length
      ? `A message can carry at most ${LIMITS.attachmentsMax} files.`
      : null;
  }

  /** The files in the composer of `chatId`, not sent yet. */
  draftIn(chatId: string): Upload[] {
    return this.list().filter((upload) => upload.chatId === chatId && upload.clientId === null);
  }

  /** The files of the message `clientId`. */
  of(clientId: string): Upload[] {
    return this.list().filter((upload) => upload.clientId === clientId);
  }

  /** Hands the composer's files to the message `clientId`; returns how many it carries. */
  claim(chatId: string, clientId: string): number {
    const ids = new Set(this.draftIn(chatId).map((upload) => upload.id));
    this.list.update((list) =>
      list.map((upload) => (ids.has(upload.id) ? { ...upload, clientId } : upload)),
    );
    return ids.size;
  }

  /** The attachment ids of a message, in order, once every file of it is stored; else null. */
  attachmentIds(clientId: string): string[] | null {
    const ids: string[] = [];
    for (const upload of this.of(clientId)) {
      if (upload.status !== 'done' || !upload.attachment) return null;
      ids.push(upload.attachment.id);
    }
    return ids;
  }

  /** Stops an upload and removes its file (from the composer or from a message waiting on it). */
  cancel(id: string): void {
    this.stop(id);
    const upload = this.list().find((item) => item.id === id);
    if (!upload) return;
    this.list.update((list) => list.filter((item) => item.id !== id));
    this.changed.next();
    this.pump();
  }

  /** Tries a failed upload again. */
  retry(id: string): void {
    this.attempts.delete(id);
    this.patch(id, { status: 'queued', error: null, sent: 0 });
    this.pump();
  }

  /** The message is stored: its files are the server's now. */
  release(clientId: string): void {
    const gone = this.of(clientId);
    if (gone.length === 0) return;
    gone.forEach((upload) => this.stop(upload.id));
    this.list.update((list) => list.filter((upload) => upload.clientId !== clientId));
  }

  /** Starts queued uploads while slots are free. */
  private pump(): void {
    if (this.window && !this.window.navigator.onLine) return;
    for (const upload of this.list()) {
      if (this.running.size >= PARALLEL_UPLOADS) return;
      if (upload.status === 'queued') this.start(upload);
    }
  }

  private start(upload: Upload): void {
    const { id } = upload;
    this.patch(id, { status: 'uploading', sent: 0, error: null });
    const subscription = new Subscription();
    this.running.set(id, subscription);
    subscription.add(
      this.api.upload(upload.chatId, upload.file).subscribe({
        next: (event) => {
          if (event.type === HttpEventType.UploadProgress) {
            this.patch(id, { sent: Math.min(event.loaded, upload.file.size) });
          } else if (event.type === HttpEventType.Response && event.body) {
            this.running.delete(id);
            this.attempts.delete(id);
            this.patch(id, { status: 'done', sent: upload.file.size, attachment: event.body });
            this.changed.next();
            this.pump();
          }
        },
        error: (error: unknown) => {
          this.running.delete(id);
          const problem = uploadProblem(error);
          if (problem.transient) {
            this.patch(id, { status: 'offline', sent: 0, error: problem.text });
            this.retryLater(id);
          } else {
            this.patch(id, { status: 'failed', sent: 0, error: problem.text });
          }
          this.pump();
        },
      }),
    );
  }

  /** The connection is back: everything that waited for it starts again at once. */
  private resume(): void {
    for (const upload of this.list()) {
      if (upload.status !== 'offline') continue;
      clearTimeout(this.timers.get(upload.id));
      this.timers.delete(upload.id);
      this.patch(upload.id, { status: 'queued' });
    }
    this.pump();
  }

  /** The browser went offline: uploads under way would fail anyway, so they wait now. */
  private pause(): void {
    for (const upload of this.list()) {
      if (upload.status !== 'uploading' && upload.status !== 'queued') continue;
      this.stop(upload.id);
      this.patch(upload.id, {
        status: 'offline',
        sent: 0,
        error: 'Waiting for the connection…',
      });
    }
  }

  private retryLater(id: string): void {
    const attempt = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, attempt);
    const delay = Math.min(RETRY_FIRST_MS * 2 ** (attempt - 1), RETRY_MAX_MS);
    clearTimeout(this.timers.get(id));
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        if (this.list().find((upload) => upload.id === id)?.status !== 'offline') return;
        this.patch(id, { status: 'queued' });
        this.pump();
      }, delay),
    );
  }

  private stop(id: string): void {
    this.running.get(id)?.unsubscribe();
    this.running.delete(id);
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  private patch(id: string, change: Partial<Upload>): void {
    this.list.update((list) =>
      list.map((upload) => (upload.id === id ? { ...upload, ...change } : upload)),
    );
  }
}
