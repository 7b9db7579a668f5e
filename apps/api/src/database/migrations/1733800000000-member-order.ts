import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each membership carries its member's sort name (`lower(full_name)`, byte-ordered, as
 * ix_users_name_order holds it), so that a chat's first members by name are an index range of
 * `ix_chat_members_order` rather than a read of every member: `Chat.members` of a group of
 * 1,000 lists 50 (contract "Size"), and a user in 20 such groups had 20,000 users read and
 * sorted for each chat list. Kept by triggers, whatever inserts the row (registration, a new
 * direct chat, a group, a bulk COPY) and should a name ever change.
 *
 * The backfill and the index run inside the migrations' transaction, which blocks writes to
 * `chat_members` meanwhile: seconds for a few million memberships.
 */
export class MemberOrder1733800000000 implements MigrationInterface {
  name = 'MemberOrder1733800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE chat_members ADD COLUMN sort_name text COLLATE "C"`);
    await db.query(`
      UPDATE chat_members cm SET sort_name = lower(u.full_name)
        FROM users u WHERE u.id = cm.user_id`);
    await db.query(`ALTER TABLE chat_members ALTER COLUMN sort_name SET NOT NULL`);
    await db.query(`
      CREATE FUNCTION chat_member_sort_name() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- No such user: the foreign key refuses the row, with its own error.
        NEW.sort_name := COALESCE((SELECT lower(full_name) FROM users WHERE id = NEW.user_id), '');
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER chat_members_sort_name BEFORE INSERT OR UPDATE OF user_id ON chat_members
      FOR EACH ROW EXECUTE FUNCTION chat_member_sort_name()`);
    await db.query(`
      CREATE FUNCTION user_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE chat_members SET sort_name = lower(NEW.full_name) WHERE user_id = NEW.id;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER users_renamed AFTER UPDATE OF full_name ON users
      FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name)
      EXECUTE FUNCTION user_renamed()`);
    await db.query(`CREATE INDEX ix_chat_members_order ON chat_members (chat_id, sort_name)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER users_renamed ON users`);
    await db.query(`DROP FUNCTION user_renamed()`);
    await db.query(`DROP TRIGGER chat_members_sort_name ON chat_members`);
    await db.query(`DROP FUNCTION chat_member_sort_name()`);
    await db.query(`ALTER TABLE chat_members DROP COLUMN sort_name`);
  }
}
