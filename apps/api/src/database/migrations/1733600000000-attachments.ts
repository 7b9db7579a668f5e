import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files sent with messages (contract: Attachments). An upload belongs to its uploader and chat
 * until the message writer links it to a message (`message_id`, `position` in the message); an
 * unlinked row older than 24 hours, or one whose message was deleted (`discarded_at`), is swept
 * with its stored objects (`storage_key`, and `storage_key || '.thumb'` when there is a `thumbnail_size`).
 */
export class Attachments1733600000000 implements MigrationInterface {
  name = 'Attachments1733600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE attachments (
        id uuid PRIMARY KEY,
        chat_id text NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        uploader_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        message_id bigint REFERENCES messages(id) ON DELETE SET NULL,
        position smallint,
        name text NOT NULL,
        size bigint NOT NULL,
        mime text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('image', 'file')),
        width integer,
        height integer,
        storage_key text NOT NULL,
        thumbnail_size integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        discarded_at timestamptz
      )`);
    await db.query(
      `CREATE INDEX ix_attachments_message ON attachments (message_id, position) WHERE message_id IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX ix_attachments_unused ON attachments (created_at) WHERE message_id IS NULL OR discarded_at IS NOT NULL`,
    );
    await db.query(`CREATE INDEX ix_attachments_uploader ON attachments (uploader_id, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE attachments`);
  }
}
