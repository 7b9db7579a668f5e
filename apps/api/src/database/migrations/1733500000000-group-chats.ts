import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Group chats (contract "Groups"): `kind = 'group'` with a title, a role per member, and
 * system messages (`messages.system`, the SystemEvent as JSON; null for what people wrote).
 * Group ids are `g:<uuid>`.
 */
export class GroupChats1733500000000 implements MigrationInterface {
  name = 'GroupChats1733500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE chats DROP CONSTRAINT IF EXISTS chats_kind_check`);
    await db.query(`
      ALTER TABLE chats ADD CONSTRAINT chats_kind_check CHECK (kind IN ('global', 'direct', 'group'))`);
    await db.query(`ALTER TABLE chats ADD COLUMN title text`);
    await db.query(`
      ALTER TABLE chat_members ADD COLUMN role text NOT NULL DEFAULT 'member'
        CHECK (role IN ('owner', 'admin', 'member'))`);
    await db.query(`ALTER TABLE messages ADD COLUMN system jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM chats WHERE kind = 'group'`);
    await db.query(`ALTER TABLE messages DROP COLUMN system`);
    await db.query(`ALTER TABLE chat_members DROP COLUMN role`);
    await db.query(`ALTER TABLE chats DROP COLUMN title`);
    await db.query(`ALTER TABLE chats DROP CONSTRAINT chats_kind_check`);
    await db.query(
      `ALTER TABLE chats ADD CONSTRAINT chats_kind_check CHECK (kind IN ('global', 'direct'))`,
    );
  }
}
