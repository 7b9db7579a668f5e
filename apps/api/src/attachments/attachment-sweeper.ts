import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { attachmentsConfig, type AttachmentsConfig } from '../config/configuration';
import { AttachmentsService } from './attachments.service';

/** pg_try_advisory_lock's key: one sweep at a time across every instance on the database. */
const SWEEP_LOCK = 0x16_a77ac4;
const UNUSED_FOR_MS = 24 * 3600_000;

/**
 * Every ATTACHMENT_SWEEP_INTERVAL_MS, removes the uploads no message used within 24 hours and
 * the files of deleted messages that were not removed at once. The instance that takes a
 * PostgreSQL advisory lock sweeps; the others skip that round. The lock belongs to the
 * connection, so a crashed sweeper's lock goes with its connection.
 */
@Injectable()
export class AttachmentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AttachmentSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(attachmentsConfig.KEY) private readonly config: AttachmentsConfig,
    private readonly attachments: AttachmentsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'attachment sweep failed'))
        .finally(() => (this.running = null));
    }, this.config.sweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One round: false when another instance holds the lock. */
  async sweep(): Promise<boolean> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [lock]: { locked: boolean }[] = await runner.query(
        `SELECT pg_try_advisory_lock($1) AS locked`,
        [SWEEP_LOCK],
      );
      if (!lock?.locked) return false;
      try {
        const unusedBefore = new Date(Date.now() - UNUSED_FOR_MS);
        let removed = 0;
        for (let batch = await this.attachments.purge({ unusedBefore }); batch > 0;) {
          removed += batch;
          batch = await this.attachments.purge({ unusedBefore });
        }
        if (removed > 0) this.logger.log({ removed }, 'unused attachments removed');
        return true;
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1)`, [SWEEP_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
