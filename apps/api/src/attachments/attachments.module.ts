import { join } from 'node:path';
import { Module, type OnModuleInit } from '@nestjs/common';
import { ChatsModule } from '../chats/chats.module';
import { DomainEvents } from '../common/events/domain-events';
import { EventsModule } from '../common/events/events.module';
import { attachmentsConfig, type AttachmentsConfig } from '../config/configuration';
import { AttachmentSweeper } from './attachment-sweeper';
import { AttachmentUrls, installAttachmentUrls } from './attachment-urls';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsService } from './attachments.service';
import { AttachmentStorage } from './storage/attachment-storage';
import { LocalStorage } from './storage/local-storage';
import { S3Storage } from './storage/s3-storage';

/**
 * Files sent with messages (contract: Attachments): uploads, signed URLs, serving, and the
 * removal of files no message shows. Storage is a folder under DATA_DIR, or an S3-compatible
 * bucket when S3_BUCKET is set.
 */
@Module({
  imports: [ChatsModule, EventsModule],
  controllers: [AttachmentsController],
  providers: [
    AttachmentsService,
    AttachmentSweeper,
    {
      provide: AttachmentStorage,
      inject: [attachmentsConfig.KEY],
      useFactory: (config: AttachmentsConfig): AttachmentStorage =>
        config.s3
          ? new S3Storage(config.s3)
          : new LocalStorage(join(config.dataDir, 'attachments')),
    },
    {
      provide: AttachmentUrls,
      inject: [attachmentsConfig.KEY],
      useFactory: (config: AttachmentsConfig) => {
        const urls = new AttachmentUrls({
          current: config.urlSecret,
          previous: config.previousUrlSecret,
          ttlSeconds: config.urlTtlSeconds,
        });
        // toMessage (message.mapper.ts) signs the attachments of every Message with it.
        installAttachmentUrls(urls);
        return urls;
      },
    },
  ],
  exports: [AttachmentStorage],
})
export class AttachmentsModule implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly attachments: AttachmentsService,
  ) {}

  onModuleInit(): void {
    // A deleted message's files go at once (the sweep retries any that fail).
    this.events.on('message.updated', ({ message }) => {
      if (message.deleted) this.attachments.purgeMessage(message.id);
    });
  }
}
