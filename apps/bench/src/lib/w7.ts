import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { log, type Bench } from './bench';
import type { HttpRunResult, W7Results } from './results';
import { copyFrom, GLOBAL_CHAT, seedDirectChats, type BenchUser } from './seed';
import { Latency, round } from './stats';

/**
 * W7, search: a corpus of messages in Ukrainian, Russian and English, each word drawn from its
 * language's vocabulary with Zipf frequencies (rank r weighs 1/r), seeded with COPY; one user in
 * `all` and 50 direct chats searches over HTTP at concurrency 8.
 */

const WORDS = {
  uk: `і в не на що з я це та він як до у ми ти але так за вона по мене від все вони бути
    був мені коли щоб його ще вже тут чи нас там може дуже треба тобі буде можна їх теж
    мій цей хто добре зараз завтра сьогодні робота проєкт зустріч питання день година
    тиждень файл посилання команда задача код сервер дані звіт план людина місто вулиця
    дякую привіт будь ласка гарно швидко пізніше разом новий великий перший останній
    київ львів харків одеса олена тарас андрій марія ірина сергій йога їжак ґанок`,
  ru: `и в не на что с я это он как к по но ты мы все она так его за от же вы бы о было
    у из мне только уже когда меня еще нет тоже сейчас здесь там можно нужно очень будет
    завтра сегодня работа проект встреча вопрос день час неделя файл ссылка команда
    задача код сервер данные отчет план человек город улица спасибо привет пожалуйста
    хорошо быстро позже вместе новый большой первый последний москва ёлка ещё всё`,
  en: `the to and a of i you it in is that for on we this be have with not are at but
    do can so will just if me my all what about get was your from they up like there
    out one know time when now today tomorrow work project meeting question day hour
    week file link team task code server data report plan people city street thanks
    hello please great quickly later together new big first last café naïve résumé`,
} as const;

type Language = keyof typeof WORDS;
const LANGUAGES: Language[] = ['uk', 'ru', 'en'];
/** Share of messages per language. */
const SHARE: Record<Language, number> = { uk: 0.4, ru: 0.3, en: 0.3 };
const SYLLABLES: Record<Language, string[]> = {
  uk: 'ба ві го да же зи ка ли мо ну пі ро са ти ук фа хо ци ча ші юр ял єв їн ґу'.split(' '),
  ru: 'ба ве го да же зи ка ли мо ну пы ро са ти ук фа хо цы ча ши юр ял эм ёж'.split(' '),
  en: 'ba ce di fo gu ha ki lo mu ne pa qui ro si ta vo wi xe yo za th st gr pl'.split(' '),
};
/** Vocabulary size per language: the listed words first, then made-up words, rarer and rarer. */
const VOCABULARY = 60_000;

/** A seeded pseudo-random generator (mulberry32), so every run writes the same corpus. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Vocabulary {
  readonly words: string[];
  private readonly cumulative: Float64Array;

  constructor(language: Language) {
    const listed = WORDS[language].split(/\s+/).filter(Boolean);
    const seen = new Set(listed);
    const words = [...listed];
    const syllables = SYLLABLES[language];
    const next = random(language.length * 7919);
    while (words.length < VOCABULARY) {
      const n = 2 + Math.floor(next() * 3);
      let word = '';
      for (let i = 0; i < n; i++) word += syllables[Math.floor(next() * syllables.length)];
      if (!seen.has(word)) {
        seen.add(word);
        words.push(word);
      }
    }
    this.words = words;
    this.cumulative = new Float64Array(words.length);
    let sum = 0;
    for (let r = 0; r < words.length; r++) this.cumulative[r] = sum += 1 / (r + 1);
  }

  pick(next: () => number): string {
    const target = next() * (this.cumulative[this.cumulative.length - 1] ?? 1);
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] ?? 0) < target) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo] ?? '';
  }
}

const vocabularies = Object.fromEntries(LANGUAGES.map((l) => [l, new Vocabulary(l)])) as Record<
  Language,
  Vocabulary
>;

function sentence(next: () => number): string {
  const roll = next();
  const language: Language = roll < SHARE.uk ? 'uk' : roll < SHARE.uk + SHARE.ru ? 'ru' : 'en';
  const vocabulary = vocabularies[language];
  const count = 3 + Math.floor(next() * 12);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(vocabulary.pick(next));
  const first = words[0] ?? '';
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(' ')}${next() < 0.3 ? '?' : '.'}`;
}

export interface SearchCorpus {
  searcher: BenchUser;
  /** `all` and the searcher's 50 direct chats. */
  searcherChats: string[];
  rows: number;
  ms: number;
  indexMs: number;
}

/**
 * The corpus: 40 % of the messages in `all`, 20 % in the searcher's 50 direct chats, 40 % in
 * 200 direct chats of others. The GIN index is dropped for the COPY and built after it (as a
 * bulk load would), then VACUUM ANALYZE; the generated tsvector is computed row by row.
 */
export async function seedSearchCorpus(b: Bench, count: number): Promise<SearchCorpus> {
  const started = performance.now();
  const pool = b.seeded.bench;
  const base = b.scale.w1Pairs * 2;
  const searcher = pool[base];
  if (!searcher || pool.length < base + 53) throw new Error('W7: not enough bench users');
  const searcherId = searcher.id;
  const peers = pool.slice(base + 1, base + 51);
  const mine = await seedDirectChats(
    b.p.db,
    peers.map((p) => [searcher, p]),
  );
  const others = pool.slice(base + 51, base + 451);
  others.length -= others.length % 2;
  const theirs = await seedDirectChats(
    b.p.db,
    Array.from(
      { length: others.length / 2 },
      (_, k) => [others[2 * k], others[2 * k + 1]] as [BenchUser, BenchUser],
    ),
  );
  const senderOf = new Map<string, string[]>();
  senderOf.set(
    GLOBAL_CHAT,
    pool.slice(0, 500).map((u) => u.id),
  );
  peers.forEach((p, k) => senderOf.set(mine[k] ?? '', [searcher.id, p.id]));
  theirs.forEach((chatId, k) =>
    senderOf.set(chatId, [others[2 * k]?.id ?? '', others[2 * k + 1]?.id ?? '']),
  );

  await b.p.db.query(`DROP INDEX IF EXISTS ix_messages_search`);
  const streams = 2;
  const share = Math.ceil(count / streams);
  function* chunks(stream: number, from: number, to: number): Generator<Buffer> {
    const next = random(1 + stream);
    for (let at = from; at < to; at += 2000) {
      let text = '';
      for (let i = at; i < Math.min(to, at + 2000); i++) {
        const roll = next();
        const chatId =
          roll < 0.4
            ? GLOBAL_CHAT
            : roll < 0.6
              ? (mine[Math.floor(next() * mine.length)] ?? GLOBAL_CHAT)
              : (theirs[Math.floor(next() * theirs.length)] ?? GLOBAL_CHAT);
        const senders = senderOf.get(chatId) ?? [searcherId];
        const sender = senders[Math.floor(next() * senders.length)] ?? searcherId;
        text += `${chatId}\t${sender}\t${randomUUID()}\t${sentence(next)}\n`;
      }
      yield Buffer.from(text);
    }
  }
  const counts = await Promise.all(
    Array.from({ length: streams }, async (_, k) => {
      const db = new Client({ connectionString: b.p.dbUrl });
      await db.connect();
      try {
        await db.query(`SET session_replication_role = replica`).catch(() => undefined);
        return await copyFrom(
          db,
          `COPY messages (chat_id, sender_id, client_id, content) FROM STDIN`,
          chunks(k, k * share, Math.min(count, (k + 1) * share)),
        );
      } finally {
        await db.end();
      }
    }),
  );
  const indexStarted = performance.now();
  await b.p.db.query(`SET maintenance_work_mem = '256MB'`);
  await b.p.db.query(`CREATE INDEX ix_messages_search ON messages USING gin (search)`);
  await b.p.db.query(`RESET maintenance_work_mem`);
  const indexMs = performance.now() - indexStarted;
  await b.p.db.query(`VACUUM (ANALYZE) messages`);
  await b.p.db.query('CHECKPOINT').catch(() => undefined);
  return {
    searcher,
    searcherChats: [GLOBAL_CHAT, ...mine],
    rows: counts.reduce((a, c) => a + c, 0),
    ms: performance.now() - started,
    indexMs,
  };
}

/** The query kinds W7 measures, each a list of queries cycled through. */
function queryKinds(): { kind: string; queries: string[] }[] {
  const rare = (l: Language, k: number) => vocabularies[l].words[40_000 + k * 997] ?? '';
  const common = (l: Language, r: number) => vocabularies[l].words[r] ?? '';
  const rares = LANGUAGES.flatMap((l) => [0, 1, 2, 3, 4].map((k) => rare(l, k)));
  return [
    { kind: 'rare word', queries: rares },
    { kind: 'rare word prefix', queries: rares.map((w) => w.slice(0, Math.max(4, w.length - 1))) },
    { kind: 'most common word', queries: [common('uk', 0)] },
    {
      kind: '2 words: common + rare',
      queries: LANGUAGES.map((l) => `${common(l, 3)} ${rare(l, 7)}`),
    },
    {
      kind: '2 common words',
      queries: LANGUAGES.map((l) => `${common(l, 1)} ${common(l, 5)}`),
    },
    {
      kind: '3 words',
      queries: LANGUAGES.map((l) => `${common(l, 2)} ${common(l, 40)} ${rare(l, 9)}`),
    },
  ];
}

/** `concurrency` loops of GET requests for `durationMs` (after a warm-up), one at a time each. */
async function httpLoad(
  urls: string[],
  token: string,
  concurrency: number,
  warmupMs: number,
  durationMs: number,
  rowsOf: (body: unknown) => number,
): Promise<HttpRunResult> {
  const latency = new Latency();
  let requests = 0;
  let errors = 0;
  let rows = 0;
  let measuring = false;
  let stop = false;
  let k = 0;
  const headers = { authorization: `Bearer ${token}` };
  const loop = async () => {
    while (!stop) {
      const url = urls[k++ % urls.length] ?? '';
      const t0 = performance.now();
      const response = await fetch(url, { headers });
      const body: unknown = await response.json();
      const ms = performance.now() - t0;
      if (!measuring) continue;
      requests++;
      if (response.status !== 200) errors++;
      else rows += rowsOf(body);
      latency.record(ms);
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  measuring = true;
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(loops);
  return {
    rate: requests / seconds,
    latency: latency.summary(),
    requests,
    errors,
    rows: requests ? round(rows / Math.max(1, requests - errors), 1) : 0,
  };
}

/**
 * The API's search statement (SearchService.find), with ids only selected, for EXPLAIN: terms
 * of 3 or more characters go to the index, the others are checked on its rows; one chat is
 * read in (chat_id, id) order.
 */
function searchSql(terms: string[], oneChat: boolean): { sql: string; params: unknown[] } {
  const long = terms.filter((t) => t.length >= 3);
  const indexed = long.length > 0 ? long : terms;
  const rest = indexed.length < terms.length ? terms : null;
  const sql = `SELECT m.id FROM messages m JOIN users u ON u.id = m.sender_id
  WHERE m.search @@ public.chat_search_query($1::text[])
    ${rest ? 'AND ts_match_vq(m.search, public.chat_search_query($4::text[]))' : ''}
    AND ${oneChat ? 'm.chat_id >= $2 AND m.chat_id <= $2' : 'm.chat_id = ANY($2::text[])'}
    AND m.deleted_at IS NULL AND m.system IS NULL AND ($3::bigint IS NULL OR m.id < $3)
  ORDER BY ${oneChat ? 'm.chat_id DESC, m.id DESC' : 'm.id DESC'} LIMIT 21`;
  return { sql, params: [indexed, null, null, ...(rest ? [rest] : [])] };
}

/**
 * The write path with and without search's upkeep, on the same data: single-message inserts
 * (each its own commit, as a lone send) and batches of 10 (the writer's group commit under
 * load), into two copies of `messages` that differ only in the generated tsvector and its GIN
 * index, each first filled with the same corpus rows.
 */
async function writeCost(b: Bench, ms: number): Promise<W7Results['write']> {
  const db = b.p.db;
  const prefill = Math.min(100_000, Math.ceil(b.scale.w7Messages / 4));
  await db.query(`DROP TABLE IF EXISTS w7_with, w7_without`);
  await db.query(`CREATE TABLE w7_with (LIKE messages INCLUDING ALL)`);
  await db.query(`CREATE TABLE w7_without (LIKE messages INCLUDING ALL EXCLUDING GENERATED)`);
  const gin = await db.query<{ name: string }>(
    `SELECT indexrelid::regclass::text AS name FROM pg_index
      WHERE indrelid = 'w7_without'::regclass
        AND pg_get_indexdef(indexrelid) LIKE '%USING gin%'`,
  );
  for (const { name } of gin.rows) await db.query(`DROP INDEX ${name}`);
  for (const table of ['w7_with', 'w7_without']) {
    await db.query(
      `INSERT INTO ${table} (chat_id, sender_id, client_id, content)
       SELECT chat_id, sender_id, gen_random_uuid(), content FROM messages ORDER BY id DESC LIMIT $1`,
      [prefill],
    );
    await db.query(`VACUUM ANALYZE ${table}`);
  }
  const samples = (
    await db.query<{ content: string }>(`SELECT content FROM messages ORDER BY id DESC LIMIT 1000`)
  ).rows.map((r) => r.content);
  const senderId = b.seeded.sender.id;
  const run = async (table: string, durationMs: number, batch: number) => {
    const clients = await Promise.all(
      Array.from({ length: 2 }, async () => {
        const c = new Client({ connectionString: b.p.dbUrl });
        await c.connect();
        return c;
      }),
    );
    let rows = 0;
    let stop = false;
    let k = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        while (!stop) {
          const contents = Array.from({ length: batch }, () => samples[k++ % samples.length] ?? '');
          await c.query(
            `INSERT INTO ${table} (chat_id, sender_id, client_id, content)
             SELECT $1, $2, gen_random_uuid(), t FROM unnest($3::text[]) AS t`,
            [GLOBAL_CHAT, senderId, contents],
          );
          rows += contents.length;
          if (performance.now() - started > durationMs) stop = true;
        }
      }),
    );
    await Promise.all(clients.map((c) => c.end()));
    return rows / ((performance.now() - started) / 1000);
  };
  // Alternated, twice each, so drift in the machine's load hits both alike.
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const compare = async (batch: number) => {
    const withIndex: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < 2; i++) {
      without.push(await run('w7_without', ms, batch));
      withIndex.push(await run('w7_with', ms, batch));
    }
    return { batch, withIndex: mean(withIndex), without: mean(without) };
  };
  const single = await compare(1);
  const batched = await compare(10);
  await db.query(`DROP TABLE w7_with, w7_without`);
  return { ...single, batched, prefill };
}

export async function runW7(b: Bench): Promise<W7Results> {
  const { scale } = b;
  log(`W7 search: seeding ${scale.w7Messages.toLocaleString('en-US')} messages`);
  const corpus = await seedSearchCorpus(b, scale.w7Messages);
  log(
    `  ${corpus.rows} rows in ${Math.round(corpus.ms)} ms (GIN index built in ${Math.round(corpus.indexMs)} ms)`,
  );
  const token = corpus.searcher.token;
  const api = b.p.apiUrl;
  const searchUrl = (q: string, extra = '') =>
    `${api}/api/search?q=${encodeURIComponent(q)}&limit=20${extra}`;
  const hitsOf = (body: unknown) => (body as { hits?: unknown[] }).hits?.length ?? 0;
  const kinds: W7Results['kinds'] = [];
  for (const { kind, queries } of queryKinds()) {
    const measured = await b.measure(`w7-${kind.replace(/\W+/g, '-')}`, 'api', () =>
      httpLoad(
        queries.map((q) => searchUrl(q)),
        token,
        scale.w7Concurrency,
        scale.warmupMs,
        scale.w7Ms,
        hitsOf,
      ),
    );
    log(
      `  ${kind} (${queries.slice(0, 3).join(' | ')}): p50 ${measured.result.latency.p50} p99 ${measured.result.latency.p99} ms, ` +
        `${Math.round(measured.result.rate)}/s, ${measured.result.rows} hits/answer, ${measured.result.errors} errors`,
    );
    kinds.push({ kind, queries, measured });
  }

  // `around` against a first page, in `all`: a message in the middle of its history.
  const middle = (
    await b.p.db.query<{ id: string }>(
      `SELECT id::text AS id FROM messages WHERE chat_id = $1
        ORDER BY id OFFSET (SELECT count(*) / 2 FROM messages WHERE chat_id = $1) LIMIT 1`,
      [GLOBAL_CHAT],
    )
  ).rows[0]?.id;
  if (!middle) throw new Error('W7: no message in all');
  const messagesOf = (body: unknown) => (body as { messages?: unknown[] }).messages?.length ?? 0;
  const history = (query: string) => `${api}/api/chats/${GLOBAL_CHAT}/messages?limit=50${query}`;
  const firstPage = await b.measure('w7-first-page', 'api', () =>
    httpLoad([history('')], token, scale.w7Concurrency, scale.warmupMs, scale.w7Ms, messagesOf),
  );
  const around = await b.measure('w7-around', 'api', () =>
    httpLoad(
      [history(`&around=${middle}`)],
      token,
      scale.w7Concurrency,
      scale.warmupMs,
      scale.w7Ms,
      messagesOf,
    ),
  );
  log(
    `  first page p99 ${firstPage.result.latency.p99} ms, around p99 ${around.result.latency.p99} ms`,
  );

  log('  write path with and without search upkeep');
  const write = await writeCost(b, scale.w7WriteMs);
  for (const w of [write, write.batched]) {
    log(
      `  batches of ${w.batch}: ${Math.round(w.without)} rows/s without, ${Math.round(w.withIndex)} with: ` +
        `${round((1 - w.withIndex / w.without) * 100, 1)} % lost`,
    );
  }

  const plans: { title: string; plan: string }[] = [];
  const explain = async (title: string, terms: string[], chats: string[]) => {
    const oneChat = chats.length === 1 && chats[0] !== GLOBAL_CHAT;
    const { sql, params } = searchSql(terms, oneChat);
    params[1] = oneChat ? chats[0] : chats;
    const rows = await b.p.db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`,
      params,
    );
    plans.push({ title, plan: rows.rows.map((r) => r['QUERY PLAN']).join('\n') });
  };
  const kindsByName = new Map(queryKinds().map((k) => [k.kind, k.queries]));
  const first = (kind: string) => (kindsByName.get(kind)?.[0] ?? '').split(' ');
  await explain('rare word', first('rare word'), corpus.searcherChats);
  await explain('most common word', first('most common word'), corpus.searcherChats);
  await explain('2 words: common + rare', first('2 words: common + rare'), corpus.searcherChats);
  await explain('3 words', first('3 words'), corpus.searcherChats);
  await explain(
    'most common word, one direct chat (chatId)',
    first('most common word'),
    corpus.searcherChats.slice(1, 2),
  );
  const aroundPlan = await b.p.db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON)
     SELECT ARRAY(SELECT m.id::text FROM messages m
                   WHERE m.chat_id >= $1 AND m.chat_id <= $1 AND m.id <= $2
                   ORDER BY m.chat_id DESC, m.id DESC LIMIT 51) AS older,
            ARRAY(SELECT m.id::text FROM messages m
                   WHERE m.chat_id >= $1 AND m.chat_id <= $1 AND m.id > $2
                   ORDER BY m.chat_id, m.id LIMIT 50) AS newer`,
    [GLOBAL_CHAT, middle],
  );
  plans.push({
    title: 'around, its first step (the ids on each side)',
    plan: aroundPlan.rows.map((r) => r['QUERY PLAN']).join('\n'),
  });

  return {
    rows: corpus.rows,
    seedMs: Math.round(corpus.ms),
    indexMs: Math.round(corpus.indexMs),
    chats: corpus.searcherChats.length,
    concurrency: scale.w7Concurrency,
    kinds,
    firstPage,
    around,
    write,
    plans,
  };
}
