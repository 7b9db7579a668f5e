import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1732190000000 implements MigrationInterface {
  name = 'InitialSchema1732190000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        login varchar(32) NOT NULL,
        full_name varchar(64) NOT NULL,
        password_hash varchar(100) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_users_login UNIQUE (login),
        CONSTRAINT ck_users_login_lower CHECK (login = lower(login))
      )`);
    await db.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await db.query(`CREATE INDEX ix_sessions_user_id ON sessions (user_id)`);
    await db.query(`
      CREATE TABLE chats (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('global', 'direct')),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_message_at timestamptz
      )`);
    await db.query(`
      CREATE TABLE chat_members (
        chat_id text NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        last_read_id bigint,
        joined_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (chat_id, user_id)
      )`);
    await db.query(`CREATE INDEX ix_chat_members_user_id ON chat_members (user_id)`);
    await db.query(`
      CREATE TABLE messages (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        chat_id text NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        sender_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        client_id uuid NOT NULL,
        content text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_messages_sender_client UNIQUE (sender_id, client_id)
      )`);
    // Serves WHERE chat_id = ? AND id < ? ORDER BY id DESC LIMIT ? (and the after cursor).
    await db.query(`CREATE INDEX ix_messages_chat_id_id ON messages (chat_id, id)`);
    await db.query(`INSERT INTO chats (id, kind) VALUES ('all', 'global')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE messages`);
    await db.query(`DROP TABLE chat_members`);
    await db.query(`DROP TABLE chats`);
    await db.query(`DROP TABLE sessions`);
    await db.query(`DROP TABLE users`);
  }
}
