import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for an organization of 100,000 people (contract "Size"), chosen from
 * EXPLAIN (ANALYZE, BUFFERS) on the benchmark's seeded data (docs/benchmarks.md):
 * - member and people lists walk users in (lower(fullName), login) order, keyset-paged, and
 *   search a prefix of either. Byte order ("C") lets one btree serve both ORDER BY and
 *   LIKE 'prefix%' whatever the database's collation.
 * - `Chat.memberCount` is read from a counter kept by statement triggers (one row per chat),
 *   so the chat list does not count 100,000 memberships of the global chat on every call.
 *   It is not a column of `chats`: the message writer holds that row's lock while it writes.
 */
export class OrganizationSize1733100000000 implements MigrationInterface {
  name = 'OrganizationSize1733100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX ix_users_name_order ON users ((lower(full_name) COLLATE "C"), (login COLLATE "C"))`,
    );
    await db.query(`CREATE INDEX ix_users_login_prefix ON users ((login COLLATE "C"))`);
    await db.query(`
      CREATE TABLE chat_member_counts (
        chat_id text PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
        member_count integer NOT NULL
      )`);
    await db.query(`
      INSERT INTO chat_member_counts (chat_id, member_count)
      SELECT chat_id, count(*) FROM chat_members GROUP BY chat_id`);
    await db.query(`
      CREATE FUNCTION count_chat_members() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO chat_member_counts AS n (chat_id, member_count)
          SELECT chat_id, count(*) FROM changed GROUP BY chat_id
          ON CONFLICT (chat_id) DO UPDATE SET member_count = n.member_count + EXCLUDED.member_count;
        ELSE
          UPDATE chat_member_counts n SET member_count = n.member_count - d.removed
            FROM (SELECT chat_id, count(*) AS removed FROM changed GROUP BY chat_id) d
           WHERE n.chat_id = d.chat_id;
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER chat_members_counted_on_insert AFTER INSERT ON chat_members
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION count_chat_members()`);
    await db.query(`
      CREATE TRIGGER chat_members_counted_on_delete AFTER DELETE ON chat_members
      REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION count_chat_members()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER chat_members_counted_on_delete ON chat_members`);
    await db.query(`DROP TRIGGER chat_members_counted_on_insert ON chat_members`);
    await db.query(`DROP FUNCTION count_chat_members()`);
    await db.query(`DROP TABLE chat_member_counts`);
    await db.query(`DROP INDEX ix_users_login_prefix`);
    await db.query(`DROP INDEX ix_users_name_order`);
  }
}
