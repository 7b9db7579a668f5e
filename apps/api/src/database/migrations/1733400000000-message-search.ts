import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search over messages (docs/architecture.md, "Search"): a tsvector the database
 * keeps beside each message (a generated column, so the write path stays one statement) and
 * a GIN index on it.
 *
 * `chat_search_text` is the one normalisation, for what is indexed and for the query's terms:
 * accents removed (unaccent, whose rules leave Cyrillic й and ї alone), lower-case in a
 * collation that knows every script whatever the database's own locale is (with LC_CTYPE=C,
 * lower() and [[:alnum:]] only know ASCII), and everything but letters and digits turned into
 * spaces, so that the 'simple' configuration (no stemming, no stop words: one language's rules
 * would be wrong for the other two) sees plain words.
 */
export class MessageSearch1733400000000 implements MigrationInterface {
  name = 'MessageSearch1733400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    const [ext] = (await db.query(
      `SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'unaccent'`,
    )) as { schema: string }[];
    const schema = ext?.schema ?? 'public';
    // PostgreSQL 17+ has the built-in pg_c_utf8 everywhere; before that, ICU's root locale or
    // the C library's C.UTF-8, whichever this server has.
    const [collation] = (await db.query(
      `SELECT collname FROM pg_collation
        WHERE collname IN ('pg_c_utf8', 'und-x-icu', 'C.utf8', 'C.UTF-8')
          AND collencoding IN (-1, pg_char_to_encoding('UTF8'))
        ORDER BY array_position(ARRAY['pg_c_utf8', 'und-x-icu', 'C.utf8', 'C.UTF-8'], collname::text)
        LIMIT 1`,
    )) as { collname: string }[];
    const collate = collation ? ` COLLATE "${collation.collname}"` : '';
    await db.query(`
      CREATE FUNCTION public.chat_search_text(content text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT regexp_replace(
                 lower(${schema}.unaccent('${schema}.unaccent'::regdictionary, content)${collate}),
                 '[^[:alnum:]]+', ' ', 'g') $$`);
    // Every term must match a word or the start of one: 'term':* joined with &. Immutable, so
    // a constant argument is folded when the query is planned and the planner sees the terms.
    await db.query(`
      CREATE FUNCTION public.chat_search_query(terms text[]) RETURNS tsquery
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT to_tsquery('simple', coalesce(string_agg(
                 '''' || btrim(public.chat_search_text(term)) || ''':*', ' & '), ''))
                FROM unnest(terms) AS term
               WHERE btrim(public.chat_search_text(term)) <> '' $$`);
    await db.query(`
      ALTER TABLE messages ADD COLUMN search tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, public.chat_search_text(content))) STORED`);
    await db.query(`CREATE INDEX ix_messages_search ON messages USING gin (search)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE messages DROP COLUMN search`);
    await db.query(`DROP FUNCTION public.chat_search_query(text[])`);
    await db.query(`DROP FUNCTION public.chat_search_text(text)`);
  }
}
