import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The replies to a message, found by an index rather than by reading the whole chat: an edit
 * or deletion gives every reply to the message a new version (message-changes.ts), and
 * deleting a message (a group deleted with its messages) sets its replies' `reply_to_id` to
 * NULL through the foreign key. Without it both read every message of the chat, or of the
 * table, per message: an edit in `All` cost as much as its history.
 *
 * Built inside the migrations' transaction, which blocks writes to `messages` while it runs;
 * on a large table, create it beforehand with
 * `CREATE INDEX CONCURRENTLY ix_messages_reply_to ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL`
 * and this migration finds it there.
 */
export class ReplyIndex1733700000000 implements MigrationInterface {
  name = 'ReplyIndex1733700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX IF NOT EXISTS ix_messages_reply_to ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ix_messages_reply_to`);
  }
}
