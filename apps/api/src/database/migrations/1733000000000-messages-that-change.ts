import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages that change (contract v2): replies, edits, tombstones, reactions and versions.
 * `message_versions` is taken by every write of a message (insert, edit, delete, reaction)
 * after its chat's row is locked, so within a chat versions are assigned and committed in
 * order (docs/architecture.md); `chats.version` is the greatest of its messages'.
 */
export class MessagesThatChange1733000000000 implements MigrationInterface {
  name = 'MessagesThatChange1733000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SEQUENCE message_versions AS bigint`);
    await db.query(`
      ALTER TABLE messages
        ADD COLUMN reply_to_id bigint REFERENCES messages (id) ON DELETE SET NULL,
        ADD COLUMN edited_at timestamptz,
        ADD COLUMN deleted_at timestamptz,
        ADD COLUMN version bigint`);
    // Existing messages get versions in id order, which is their commit order per chat.
    await db.query(`
      UPDATE messages m SET version = v.version
        FROM (SELECT id, nextval('message_versions') AS version
                FROM (SELECT id FROM messages ORDER BY id) ordered) v
       WHERE m.id = v.id`);
    await db.query(`
      ALTER TABLE messages
        ALTER COLUMN version SET DEFAULT nextval('message_versions'),
        ALTER COLUMN version SET NOT NULL`);
    await db.query(`ALTER SEQUENCE message_versions OWNED BY messages.version`);
    // Serves WHERE chat_id = ? AND version > ? ORDER BY version LIMIT ? (changes).
    await db.query(`CREATE INDEX ix_messages_chat_id_version ON messages (chat_id, version)`);
    await db.query(`ALTER TABLE chats ADD COLUMN version bigint NOT NULL DEFAULT 0`);
    await db.query(`
      UPDATE chats c SET version = v.version
        FROM (SELECT chat_id, max(version) AS version FROM messages GROUP BY chat_id) v
       WHERE c.id = v.chat_id`);
    await db.query(`
      CREATE TABLE message_reactions (
        message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        emoji text NOT NULL,
        ord bigserial NOT NULL,
        PRIMARY KEY (message_id, user_id, emoji)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE message_reactions`);
    await db.query(`ALTER TABLE chats DROP COLUMN version`);
    await db.query(`DROP INDEX ix_messages_chat_id_version`);
    await db.query(`
      ALTER TABLE messages
        DROP COLUMN version, DROP COLUMN deleted_at, DROP COLUMN edited_at,
        DROP COLUMN reply_to_id`);
  }
}
