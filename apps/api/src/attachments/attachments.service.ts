import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Attachment } from '@chat/shared-types';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { ChatsService } from '../chats/chats.service';
import { AppError } from '../common/app-error';
import { RateLimitStore } from '../common/rate-limit/rate-limit.store';
import { attachmentsConfig, type AttachmentsConfig } from '../config/configuration';
import { AttachmentUrls, type AttachmentRecord, type Variant } from './attachment-urls';
import { inspectFile, THUMBNAIL_MIME } from './file-inspector';
import { safeFileName } from './file-names';
import { AttachmentStorage, type ByteRange } from './storage/attachment-storage';
import { receiveUpload } from './upload-receiver';

/** What serving a file needs to know of it. */
export interface ServedFile {
  name: string;
  mime: string;
  /** A raster image shown inline; anything else is a download. */
  inline: boolean;
  size: number;
  open: (range?: ByteRange) => Promise<Readable>;
}

interface StoredAttachment {
  id: string;
  name: string;
  size: string;
  mime: string;
  kind: 'image' | 'file';
  storage_key: string;
  thumbnail_size: number | null;
}

const thumbnailKey = (key: string) => `${key}.thumb`;

/**
 * Uploads (bound to their uploader and chat until a message uses them), the files they serve,
 * and their removal: with their message, or after 24 hours unused (AttachmentSweeper).
 */
/** One upload as the metrics count it. */
export interface UploadOutcome {
  outcome: string;
  kind: Attachment['kind'] | null;
  bytes: number;
  seconds: number;
}

@Injectable()
export class AttachmentsService {
  private readonly logger = new Logger(AttachmentsService.name);
  private readonly tmpDir: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(attachmentsConfig.KEY) private readonly config: AttachmentsConfig,
    private readonly chats: ChatsService,
    private readonly storage: AttachmentStorage,
    private readonly urls: AttachmentUrls,
    private readonly limits: RateLimitStore,
  ) {
    this.tmpDir = join(config.dataDir, 'uploads');
  }

  /**
   * Metrics hook (operations/metrics.ts): each upload's outcome (`ok` or the error code), its
   * kind and bytes stored when it succeeded, and how long it took.
   */
  onUploaded: ((outcome: UploadOutcome) => void) | null = null;

  /** POST /api/chats/:id/attachments: the `file` part, streamed, inspected and stored. */
  async upload(
    user: AuthenticatedUser,
    chatId: string,
    request: IncomingMessage,
  ): Promise<Attachment> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const attachment = await this.receive(user, chatId, request);
      this.onUploaded?.({
        outcome: 'ok',
        kind: attachment.kind,
        bytes: attachment.size,
        seconds: seconds(),
      });
      return attachment;
    } catch (error) {
      const outcome = error instanceof AppError ? error.code : 'error';
      this.onUploaded?.({ outcome, kind: null, bytes: 0, seconds: seconds() });
      throw error;
    }
  }

  private async receive(
    user: AuthenticatedUser,
    chatId: string,
    request: IncomingMessage,
  ): Promise<Attachment> {
    await this.chats.assertMember(user.id, chatId);
    await this.takeUploadToken(user.id);
    await this.checkQuota(user.id);
    await mkdir(this.tmpDir, { recursive: true });
    const id: string = randomUUID();
    const tmp = join(this.tmpDir, id);
    try {
      const file = await receiveUpload(request, tmp, this.config.maxUploadBytes);
      const inspected = await inspectFile(file.path, file.size, file.head);
      const key = id;
      await this.storage.put(key, createReadStream(inspected.served.path), inspected.served.size);
      const stored = [key];
      try {
        if (inspected.thumbnail) {
          const { path, size } = inspected.thumbnail;
          await this.storage.put(thumbnailKey(key), createReadStream(path), size);
          stored.push(thumbnailKey(key));
        }
        const record: AttachmentRecord = {
          id,
          name: safeFileName(file.name),
          size: inspected.served.size,
          mime: inspected.mime,
          kind: inspected.kind,
          width: inspected.width,
          height: inspected.height,
          thumb: inspected.thumbnail !== null,
        };
        await this.db.query(
          `INSERT INTO attachments (id, chat_id, uploader_id, name, size, mime, kind, width, height,
                                    storage_key, thumbnail_size)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            id,
            chatId,
            user.id,
            record.name,
            record.size,
            record.mime,
            record.kind,
            record.width,
            record.height,
            key,
            inspected.thumbnail?.size ?? null,
          ],
        );
        return this.urls.toAttachment(record);
      } catch (error) {
        await this.storage.remove(stored);
        throw error;
      }
    } finally {
      await Promise.all(
        ['', '.clean', '.thumb'].map((suffix) => rm(`${tmp}${suffix}`, { force: true })),
      );
    }
  }

  /**
   * GET /api/attachments/:id/:variant: a URL this server signed and that has not expired
   * (else 403, the same for a tampered one), for an attachment still stored (else 404).
   */
  async serve(id: string, variant: string, exp: string, sig: string): Promise<ServedFile> {
    if (!this.urls.verify(id, variant, exp, sig)) {
      throw new AppError('forbidden', 'This link is not valid or has expired');
    }
    const rows: StoredAttachment[] = await this.db.query(
      `SELECT id, name, size::text AS size, mime, kind, storage_key, thumbnail_size
         FROM attachments WHERE id = $1 AND discarded_at IS NULL`,
      [id],
    );
    const row = rows[0];
    if (!row || (variant === 'thumbnail' && row.thumbnail_size === null)) {
      throw new AppError('not_found', 'No such file');
    }
    const variantKey = variant === 'thumbnail' ? thumbnailKey(row.storage_key) : row.storage_key;
    if (variant === 'thumbnail') {
      return {
        name: row.name.replace(/(\.[^.]*)?$/, '.webp'),
        mime: THUMBNAIL_MIME,
        inline: true,
        size: row.thumbnail_size ?? 0,
        open: (range) => this.storage.read(variantKey, range),
      };
    }
    return {
      name: row.name,
      mime: row.mime,
      inline: row.kind === 'image',
      size: Number(row.size),
      open: (range) => this.storage.read(variantKey, range),
    };
  }

  /**
   * Removes the stored files of attachments no message will show: those of deleted messages
   * (`discarded_at`) and, `unusedBefore` given, uploads no message used by then. Rows are
   * locked while their files go (SKIP LOCKED: two removals never fight over one), and deleted
   * after them, so a crash leaves rows to retry, never files without rows.
   */
  async purge(
    filter: { messageId: string } | { unusedBefore: Date },
    limit = 500,
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows: { id: string; storage_key: string; has_thumbnail: boolean }[] =
        'messageId' in filter
          ? await tx.query(
              `SELECT id, storage_key, thumbnail_size IS NOT NULL AS has_thumbnail FROM attachments
                WHERE message_id = $1 AND discarded_at IS NOT NULL
                FOR UPDATE SKIP LOCKED`,
              [filter.messageId],
            )
          : await tx.query(
              `SELECT id, storage_key, thumbnail_size IS NOT NULL AS has_thumbnail FROM attachments
                WHERE discarded_at IS NOT NULL OR (message_id IS NULL AND created_at < $1)
                ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
              [filter.unusedBefore, limit],
            );
      if (rows.length === 0) return 0;
      await this.storage.remove(
        rows.flatMap((r) =>
          r.has_thumbnail ? [r.storage_key, thumbnailKey(r.storage_key)] : [r.storage_key],
        ),
      );
      await tx.query(`DELETE FROM attachments WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /** The files of a deleted message, at once (the sweep retries what fails here). */
  purgeMessage(messageId: string): void {
    this.purge({ messageId }).catch((error: unknown) =>
      this.logger.warn({ err: error, messageId }, 'files of a deleted message not removed yet'),
    );
  }

  private async takeUploadToken(userId: string): Promise<void> {
    const { count, resetInMs } = await this.limits.increment(`upload:${userId}`, 60_000);
    if (count > this.config.uploadsPerMinute) {
      throw new AppError('rate_limited', 'Too many uploads; wait a moment', {
        retryAfterMs: resetInMs,
      });
    }
  }

  /** Bytes uploaded in the last 24 hours, checked before a new upload is read. */
  private async checkQuota(userId: string): Promise<void> {
    const [usage]: { bytes: string; oldest: Date | null }[] = await this.db.query(
      `SELECT COALESCE(sum(size), 0)::text AS bytes, min(created_at) AS oldest FROM attachments
        WHERE uploader_id = $1 AND created_at > now() - interval '24 hours'`,
      [userId],
    );
    if (usage && Number(usage.bytes) >= this.config.quotaBytes) {
      const freedAt = (usage.oldest?.getTime() ?? Date.now()) + 24 * 3600_000;
      throw new AppError('rate_limited', 'Upload quota for the last 24 hours used up', {
        retryAfterMs: Math.max(freedAt - Date.now(), 1000),
      });
    }
  }
}

export type { Variant };
