import { startTestApi } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, get as httpGet } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Client } from 'pg';
import { log } from './bench';
import { cpuSeconds } from './proc';
import type { ClientSpec, ConnectResult, GeneratorCommands } from './protocol';
import type { ChildRpc } from './rpc';
import { copyFrom, directChatId, mintToken, tokenTemplate, type TokenTemplate } from './seed';
import { Latency, round, sleep, type Summary } from './stats';

/**
 * W6 — an organization: the first screen and every list must cost the same for 100,000 people
 * as for a hundred (contract "Size"). One API of its own on a fresh database, measured twice:
 * first as a company of `smallUsers` with a proportional history, then grown (COPY) to `users`
 * people in `All` with `messages` messages over a year.
 */
export interface OrganizationScale {
  smallUsers: number;
  users: number;
  messages: number;
  /** Direct chats of the probed users of the grown organization. */
  directChats: number;
  /** Groups the probed users are both in, and their size (as many as the organization has). */
  groups: number;
  groupSize: number;
  /** Requests per measured route and user. */
  samples: number;
  /** Sockets opened one after another for the handshake-to-session latency. */
  handshakes: number;
  /** The morning storm: sockets of distinct users, and the smaller storm it is compared with. */
  storm: number;
  stormSmall: number;
  /** Each storm user has direct chats with this many of the next storm users (a ring). */
  stormContacts: number;
}

export interface RouteFigures {
  latency: Summary;
  /** The body as it travels to a browser (brotli or gzip), and as JSON once decoded. */
  bytes: number;
  jsonBytes: number;
  /** Answers other than 200 (timed like the others; the run goes on). */
  errors: number;
}

export interface StageFigures {
  users: number;
  messages: number;
  /** The probed users: `nothing` read nothing, `everything` read every chat. */
  chats: {
    nothing: RouteFigures;
    everything: RouteFigures;
    directChats: number;
    groups: number;
    groupSize: number;
  };
  usersSearch: Summary;
  membersSearch: Summary;
  firstHistoryPage: Summary;
  handshake: Summary;
  /** Answers other than 200 over every route measured (see the run's log). */
  errors: number;
}

export interface StormFigures {
  sockets: number;
  connected: number;
  wallMs: number;
  presenceFramesPerSocket: number;
  maxContacts: number;
  apiCpuMsPerConnect: number;
  handshake: Summary;
}

export interface W6Result {
  small: StageFigures;
  /** The same probed users (as many direct chats as the small organization allowed), grown. */
  grownSameUsers: { nothing: RouteFigures; everything: RouteFigures };
  large: StageFigures;
  storm: StormFigures;
  stormSmall: StormFigures;
  seedMs: number;
  plans: { title: string; plan: string }[];
}

const FIRST = [
  'Ada',
  'Ben',
  'Chloe',
  'David',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Irene',
  'Jonas',
  'Keiko',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Pavel',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wang',
  'Xenia',
  'Yusuf',
  'Zoe',
  'Anna',
  'Boris',
  'Carla',
  'Diego',
];
const LAST = [
  'Smith',
  'Garcia',
  'Müller',
  'Rossi',
  'Dubois',
  'Nowak',
  'Kim',
  'Tanaka',
  'Silva',
  'Olsen',
  'Ivanova',
  'Khan',
  'Nguyen',
  'Cohen',
  'Moreau',
  'Larsen',
  'Novak',
  'Costa',
  'Berg',
  'Sato',
];
const nameOf = (i: number) =>
  `${FIRST[i % FIRST.length] ?? 'Ada'} ${LAST[Math.floor(i / FIRST.length) % LAST.length] ?? 'Smith'}`;
/** What people type: a few letters of a first name, of a last name, or of a login. */
const SEARCHES = ['ma', 'el', 'gra', 'sm', 'no', 'kim', 'ta', 'org1', 'z', 'ros', 'ben', 'sil'];

interface OrgUser {
  index: number;
  id: string;
  token: string;
}

interface Deployment {
  apiUrl: string;
  apiPid: number;
  db: Client;
  dbUrl: string;
  secret: string;
  template: TokenTemplate;
  generator: ChildRpc<GeneratorCommands>;
}

export async function runW6(
  scale: OrganizationScale,
  generator: ChildRpc<GeneratorCommands>,
  /** Where the run's own clean-up goes too, for a run stopped by a signal. */
  onCleanUp: (step: () => Promise<unknown>) => void,
): Promise<W6Result> {
  const secret = randomUUID() + randomUUID();
  const run = await startTestApi({
    name: 'bench-w6',
    env: {
      NODE_ENV: 'production',
      JWT_SECRET: secret,
      MESSAGE_RATE: '1000000',
      MESSAGE_BURST: '1000000',
      RATE_LIMIT_LOGIN: '1000000',
      RATE_LIMIT_REGISTER: '1000000',
      BCRYPT_COST: '10',
    },
  });
  let cleaned: Promise<void> | null = null;
  const cleanUp = () => (cleaned ??= run.cleanUp());
  onCleanUp(cleanUp);
  try {
    const apiPid = run.api.pid;
    if (!apiPid || !run.database) throw new Error('W6 needs the local PostgreSQL');
    const db = new Client({ connectionString: run.database.url });
    await db.connect();
    try {
      const template = await templateToken(run.api.baseUrl);
      const d: Deployment = {
        apiUrl: run.api.baseUrl,
        apiPid,
        db,
        dbUrl: run.database.url,
        secret,
        template,
        generator,
      };
      return await measureOrganization(d, scale);
    } finally {
      await db.end();
    }
  } finally {
    await cleanUp();
  }
}

async function measureOrganization(d: Deployment, scale: OrganizationScale): Promise<W6Result> {
  const seedStarted = performance.now();
  const smallMessages = Math.round((scale.messages * scale.smallUsers) / scale.users);
  const planned = scale.messages;
  // The small company: its probed users talk to everyone else in it.
  const small = await addUsers(d, 0, scale.smallUsers);
  const [smallNothing, smallEverything, ...smallRest] = small;
  if (!smallNothing || !smallEverything) throw new Error('W6: no probed users');
  const smallPeers = smallRest.slice(0, scale.directChats);
  await addDirectChats(d, smallNothing, smallPeers);
  await addDirectChats(d, smallEverything, smallPeers);
  await addGroups(d, [smallNothing, smallEverything], smallRest, scale);
  await addHistory(d, 0, smallMessages, planned, small);
  await readEverything(d, smallEverything);
  await settle(d);
  let seedMs = performance.now() - seedStarted;
  log(`W6: ${scale.smallUsers} users, ${smallMessages} messages in All`);
  const smallFigures = await measureStage(d, scale, smallNothing, smallEverything, small);

  const growStarted = performance.now();
  const grown = await addUsers(d, scale.smallUsers, scale.users);
  const everyone = [...small, ...grown];
  const [nothing, everything, ...rest] = grown;
  if (!nothing || !everything) throw new Error('W6: no probed users in the grown organization');
  const storm = rest.slice(0, scale.storm);
  const stormSmall = rest.slice(scale.storm, scale.storm + scale.stormSmall);
  const others = rest.slice(scale.storm + scale.stormSmall);
  const stepPeers = Math.max(1, Math.floor(others.length / scale.directChats));
  const peers = Array.from({ length: scale.directChats }, (_, k) => others[k * stepPeers]).filter(
    (u): u is OrgUser => u !== undefined,
  );
  await addDirectChats(d, nothing, peers);
  await addDirectChats(d, everything, peers);
  await addGroups(d, [nothing, everything], others, scale);
  await addStormContacts(d, storm, scale.stormContacts);
  await addStormContacts(d, stormSmall, scale.stormContacts);
  await withoutSecondaryIndexes(d, 'messages', () =>
    addHistory(d, smallMessages, planned, planned, everyone),
  );
  await readEverything(d, everything);
  await readEverything(d, smallEverything);
  await settle(d);
  seedMs += performance.now() - growStarted;
  log(`W6: grown to ${everyone.length} users and ${planned} messages in ${round(seedMs / 1000)} s`);

  const grownSameUsers = {
    nothing: await timeRoute(d, smallNothing, () => '/api/chats', scale.samples),
    everything: await timeRoute(d, smallEverything, () => '/api/chats', scale.samples),
  };
  const large = await measureStage(d, scale, nothing, everything, others);
  const plans = await explainPlans(d, nothing);
  // The smaller storm first: the larger one must not leave work behind for it.
  const stormSmallFigures = await morningStorm(d, stormSmall, scale.stormContacts);
  // Its users' offline announcements (PRESENCE_GRACE_MS, 2 s by default) are not the next's.
  await sleep(2_500);
  const stormFigures = await morningStorm(d, storm, scale.stormContacts);
  return {
    small: smallFigures,
    grownSameUsers,
    large,
    storm: stormFigures,
    stormSmall: stormSmallFigures,
    seedMs: Math.round(seedMs),
    plans,
  };
}

async function measureStage(
  d: Deployment,
  scale: OrganizationScale,
  nothing: OrgUser,
  everything: OrgUser,
  pool: OrgUser[],
): Promise<StageFigures> {
  const count = async (sql: string) =>
    Number((await d.db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
  const search = (k: number) => SEARCHES[k % SEARCHES.length] ?? 'a';
  const directChats = await count(
    `SELECT count(*) AS n FROM chat_members WHERE user_id = '${nothing.id}' AND chat_id LIKE 'dm:%'`,
  );
  const groups = await count(
    `SELECT count(*) AS n FROM chat_members WHERE user_id = '${nothing.id}' AND chat_id LIKE 'g:%'`,
  );
  const groupSize = await count(
    `SELECT COALESCE(max(n.member_count), 0) AS n FROM chat_members cm
       JOIN chat_member_counts n ON n.chat_id = cm.chat_id
      WHERE cm.user_id = '${nothing.id}' AND cm.chat_id LIKE 'g:%'`,
  );
  const usersPath = (k: number) => `/api/users?available=true&search=${search(k)}`;
  const membersPath = (k: number) => `/api/chats/all/members?search=${search(k)}`;
  const historyPath = () => '/api/chats/all/messages?limit=50';
  let users: RouteFigures | undefined;
  let members: RouteFigures | undefined;
  let history: RouteFigures | undefined;
  const figures: StageFigures = {
    users: await count(`SELECT count(*) AS n FROM users`),
    messages: await count(`SELECT count(*) AS n FROM messages`),
    chats: {
      nothing: await timeRoute(d, nothing, () => '/api/chats', scale.samples),
      everything: await timeRoute(d, everything, () => '/api/chats', scale.samples),
      directChats,
      groups,
      groupSize,
    },
    usersSearch: (users = await timeRoute(d, nothing, usersPath, scale.samples)).latency,
    membersSearch: (members = await timeRoute(d, nothing, membersPath, scale.samples)).latency,
    firstHistoryPage: (history = await timeRoute(d, nothing, historyPath, scale.samples)).latency,
    handshake: (await connectPool(d, 'w6-handshakes', pool.slice(0, scale.handshakes), 1))
      .perSocket,
    errors: 0,
  };
  figures.errors = [figures.chats.nothing, figures.chats.everything, users, members, history]
    .map((route) => route?.errors ?? 0)
    .reduce((a, b) => a + b, 0);
  await d.generator.call('disconnect', { pool: 'w6-handshakes' });
  return figures;
}

/**
 * Sequential GETs on one keep-alive connection, after a tenth as many unmeasured, taking what
 * a browser takes (brotli, gzip): the time to the body's last byte, and its size on the wire.
 */
async function timeRoute(
  d: Deployment,
  user: OrgUser,
  path: (k: number) => string,
  samples: number,
): Promise<RouteFigures> {
  const latency = new Latency();
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  let bytes = 0;
  let jsonBytes = 0;
  let errors = 0;
  const warmup = Math.max(3, Math.round(samples / 10));
  try {
    for (let k = 0; k < warmup + samples; k++) {
      const started = performance.now();
      const response = await getRaw(`${d.apiUrl}${path(k)}`, agent, {
        authorization: `Bearer ${user.token}`,
        'accept-encoding': 'br, gzip',
      });
      const elapsed = performance.now() - started;
      const body = decoded(response.body, response.encoding);
      if (response.status !== 200) {
        errors++;
        if (errors === 1) log(`W6: GET ${path(k)} answered ${response.status}: ${body.toString()}`);
      }
      if (k >= warmup) latency.record(elapsed);
      if (response.status === 200) {
        bytes = response.body.byteLength;
        jsonBytes = body.byteLength;
      }
    }
  } finally {
    agent.destroy();
  }
  return { latency: latency.summary(), bytes, jsonBytes, errors };
}

function getRaw(url: string, agent: HttpAgent, headers: Record<string, string>) {
  return new Promise<{ status: number; encoding: string | undefined; body: Buffer }>(
    (resolve, reject) => {
      httpGet(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            encoding: res.headers['content-encoding'],
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      }).on('error', reject);
    },
  );
}

function decoded(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'br') return brotliDecompressSync(body);
  if (encoding === 'gzip') return gunzipSync(body);
  return body;
}

function connectPool(
  d: Deployment,
  pool: string,
  users: OrgUser[],
  concurrency: number,
): Promise<ConnectResult> {
  const clients: ClientSpec[] = users.map((u) => ({
    user: u.index,
    auth: { token: u.token, presence: 'batched' },
  }));
  return d.generator.call(
    'connect',
    { pool, baseUrl: d.apiUrl, clients, concurrency, timeoutMs: 20_000, deadlineMs: 60_000 },
    120_000,
  );
}

/**
 * Everyone in `users` connects at once (as many handshakes in flight as the generator allows):
 * the presence frames each socket gets (its contacts coming online, in `presence:batch`), and
 * the API's CPU per connect, counted until the last batch has gone out.
 */
async function morningStorm(d: Deployment, users: OrgUser[], contacts: number) {
  const pool = `w6-storm-${users.length}`;
  const cpuBefore = cpuSeconds(d.apiPid) ?? 0;
  const result = await connectPool(d, pool, users, 128);
  // Past the last presence:batch (PRESENCE_BATCH_MS, 1 s by default).
  await sleep(1_500);
  const frames = await d.generator.call('frames', {});
  const cpu = (cpuSeconds(d.apiPid) ?? 0) - cpuBefore;
  await d.generator.call('disconnect', { pool });
  const connected = Math.max(1, result.connected);
  return {
    sockets: users.length,
    connected: result.connected,
    wallMs: Math.round(result.wallMs),
    presenceFramesPerSocket: round((result.frames.presence + frames.presence) / connected, 2),
    maxContacts: contacts * 2,
    apiCpuMsPerConnect: round((cpu * 1000) / connected, 3),
    handshake: result.perSocket,
  };
}

/** The grown organization's chat list and member queries, as the API runs them. */
async function explainPlans(d: Deployment, user: OrgUser) {
  const explain = async (title: string, sql: string, params: unknown[]) => {
    const rows = await d.db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
      params,
    );
    return { title, plan: rows.rows.map((r) => r['QUERY PLAN']).join('\n') };
  };
  // As the API's connections run (data-source.ts).
  await d.db.query('SET jit = off');
  const peers = await peersOf(d, user);
  return [
    await explain(
      'Chat list of the probed user who read nothing: unread (capped), member count, last message',
      CHAT_LIST_SQL,
      [user.id],
    ),
    await explain(
      'Chat.members of All: what the peers-first list of 50 is chosen from',
      GLOBAL_MEMBERS_SQL,
      [peers],
    ),
    await explain(
      'Chat.members of the direct chats and groups: first 50 by name of each, and the peers',
      CHAT_MEMBERS_SQL,
      [await chatIdsOf(d, user), peers],
    ),
    await explain('Members page of All, search "ma", after a cursor', MEMBERS_PAGE_SQL, [
      'ma%',
      'maya',
      'org',
    ]),
    await explain('People available for a new chat, search "z"', AVAILABLE_SQL, [user.id, 'z%']),
  ];
}

async function peersOf(d: Deployment, user: OrgUser): Promise<string[]> {
  const rows = await d.db.query<{ peer: string }>(
    `SELECT other.user_id AS peer FROM chat_members mine
       JOIN chat_members other ON other.chat_id = mine.chat_id AND other.user_id <> mine.user_id
      WHERE mine.user_id = $1 AND mine.chat_id LIKE 'dm:%'`,
    [user.id],
  );
  return rows.rows.map((r) => r.peer);
}

async function chatIdsOf(d: Deployment, user: OrgUser): Promise<string[]> {
  const rows = await d.db.query<{ chat_id: string }>(
    `SELECT chat_id FROM chat_members WHERE user_id = $1 AND chat_id <> 'all'`,
    [user.id],
  );
  return rows.rows.map((r) => r.chat_id);
}

// The statements of ChatsService.rows, ChatMembersService and UsersService.list on this data
// (keep in step with them): the plans the report prints.
const CHAT_LIST_SQL = `
SELECT c.id, cm.last_read_id,
       (SELECT count(*)::int FROM (
          SELECT 1 FROM messages m
           WHERE m.chat_id = c.id AND m.id > COALESCE(cm.last_read_id, 0)
             AND (m.chat_id, m.id) > (c.id, COALESCE(cm.last_read_id, 0))
             AND m.sender_id <> $1 AND m.deleted_at IS NULL AND m.system IS NULL
           ORDER BY m.chat_id, m.id
           LIMIT 1000) unread) AS unread_count,
       COALESCE(n.member_count, 0) AS member_count,
       (SELECT m.id FROM messages m WHERE m.chat_id = c.id
         ORDER BY m.chat_id DESC, m.id DESC LIMIT 1) AS last_id
  FROM chat_members cm
  JOIN chats c ON c.id = cm.chat_id
  LEFT JOIN chat_member_counts n ON n.chat_id = c.id
 WHERE cm.user_id = $1
 ORDER BY c.id = 'all' DESC, COALESCE(c.last_message_at, c.created_at) DESC, c.id`;

const MEMBER_COLUMNS = `cm.chat_id, cm.last_read_id::text AS last_read_id, cm.role, u.id, u.login, u.full_name`;
const GLOBAL_MEMBERS = `users u JOIN chat_members cm ON cm.user_id = u.id AND cm.chat_id = 'all'`;
const ORDER = `lower(u.full_name) COLLATE "C", u.login COLLATE "C"`;
const GLOBAL_MEMBERS_SQL = `
SELECT * FROM (
  (SELECT ${MEMBER_COLUMNS} FROM ${GLOBAL_MEMBERS} WHERE u.id = ANY($1::uuid[]))
  UNION ALL
  (SELECT ${MEMBER_COLUMNS} FROM ${GLOBAL_MEMBERS} WHERE u.id <> ALL($1::uuid[])
    ORDER BY ${ORDER} LIMIT 50)) listed
 ORDER BY lower(listed.full_name) COLLATE "C", listed.login COLLATE "C"`;

const CHAT_MEMBERS_SQL = `
SELECT chat_id, last_read_id, role, id, login, full_name FROM (
  SELECT cm.chat_id, cm.last_read_id::text AS last_read_id, cm.role, u.id, u.login, u.full_name,
         row_number() OVER (PARTITION BY cm.chat_id ORDER BY ${ORDER}) AS place
    FROM (SELECT first.* FROM unnest($1::text[]) AS chat(id)
           CROSS JOIN LATERAL (
             SELECT c.chat_id, c.user_id, c.last_read_id, c.role FROM chat_members c
              WHERE c.chat_id = chat.id
              ORDER BY c.sort_name FETCH FIRST 50 ROWS WITH TIES) first
          UNION
          SELECT c.chat_id, c.user_id, c.last_read_id, c.role FROM chat_members c
           WHERE c.user_id = ANY($2::uuid[]) AND c.chat_id = ANY($1::text[])) cm
   CROSS JOIN LATERAL (
     SELECT u.id, u.login, u.full_name FROM users u WHERE u.id = cm.user_id OFFSET 0) u
) listed
 WHERE place <= 50 OR id = ANY($2::uuid[])
 ORDER BY chat_id, place`;

/** user-search.ts's firstUsers: the name-prefix and login-prefix reads, merged. */
const firstUsers = (columns: string, where: string, pattern: string, limit: number) => {
  const read = (match: string) => `
    SELECT ${columns} FROM users u WHERE ${where} AND ${match} ORDER BY ${ORDER} LIMIT ${limit}`;
  return `SELECT * FROM (
    (${read(`lower(u.full_name) COLLATE "C" LIKE lower(${pattern})`)})
    UNION
    (${read(`u.login COLLATE "C" LIKE lower(${pattern})`)})) u
   ORDER BY ${ORDER} LIMIT ${limit}`;
};

const MEMBERS_PAGE_SQL = `
SELECT 'all' AS chat_id, page.id, page.login, page.full_name, page.sort_name,
       (SELECT cm.last_read_id::text FROM chat_members cm
         WHERE cm.chat_id = 'all' AND cm.user_id = page.id) AS last_read_id,
       (SELECT cm.role FROM chat_members cm
         WHERE cm.chat_id = 'all' AND cm.user_id = page.id) AS role
  FROM (${firstUsers(
    'u.id, u.login, u.full_name, lower(u.full_name) AS sort_name',
    `(lower(u.full_name) COLLATE "C", u.login COLLATE "C") > ($2::text COLLATE "C", $3::text COLLATE "C")`,
    '$1',
    51,
  )}) page
 ORDER BY lower(page.full_name) COLLATE "C", page.login COLLATE "C"`;

const AVAILABLE_SQL = firstUsers(
  'u.id, u.login, u.full_name',
  `u.id <> $1 AND NOT EXISTS (
     SELECT 1 FROM chat_members dm
      WHERE dm.user_id = $1
        AND dm.chat_id = 'dm:' || least(u.id::text COLLATE "C", $1::text)
                      || ':' || greatest(u.id::text COLLATE "C", $1::text))`,
  '$2',
  50,
);

/** A token the API issued, whose header and claims the seeded users' tokens copy. */
async function templateToken(apiUrl: string): Promise<TokenTemplate> {
  const response = await fetch(`${apiUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'w6_template', fullName: 'Template', password: 'w6-password-1' }),
  });
  const body = (await response.json()) as { accessToken?: string };
  if (!body.accessToken) throw new Error(`W6: registering answered ${response.status}`);
  return tokenTemplate(body.accessToken);
}

/** Users `from`..`to` (COPY), each in `All`, each with a session and a token. */
async function addUsers(d: Deployment, from: number, to: number) {
  const users: OrgUser[] = [];
  const sessions: string[] = [];
  for (let index = from; index < to; index++) {
    const id = randomUUID();
    const session = randomUUID();
    sessions.push(session);
    users.push({ index, id, token: mintToken(d.secret, d.template, id, session, 6 * 3600) });
  }
  const rows = function* () {
    for (let k = 0; k < users.length; k += 5000) {
      let text = '';
      for (const u of users.slice(k, k + 5000)) {
        text += `${u.id}\torg${u.index}\t${nameOf(u.index)}\tx\n`;
      }
      yield Buffer.from(text);
    }
  };
  await copyFrom(d.db, `COPY users (id, login, full_name, password_hash) FROM STDIN`, rows());
  const members = function* () {
    for (let k = 0; k < users.length; k += 5000) {
      yield Buffer.from(
        users
          .slice(k, k + 5000)
          .map((u) => `all\t${u.id}\n`)
          .join(''),
      );
    }
  };
  await copyFrom(d.db, `COPY chat_members (chat_id, user_id) FROM STDIN`, members());
  await d.db.query(
    `INSERT INTO sessions (id, user_id, expires_at)
     SELECT unnest($1::uuid[]), unnest($2::uuid[]), now() + interval '6 hours'`,
    [sessions, users.map((u) => u.id)],
  );
  return users;
}

async function addDirectChats(d: Deployment, user: OrgUser, peers: OrgUser[]) {
  await insertDirectChats(
    d,
    peers.map((peer) => [user, peer]),
  );
  // A few messages each, from both sides, so every chat has a last message and unread ones.
  const chatIds = peers.map((peer) => directChatId(user.id, peer.id));
  await d.db.query(
    `INSERT INTO messages (chat_id, sender_id, client_id, content)
     SELECT chat_id, CASE WHEN i % 2 = 0 THEN peer ELSE $2::uuid END, gen_random_uuid(), 'hello ' || i
       FROM unnest($1::text[], $3::uuid[]) AS t(chat_id, peer), generate_series(1, 3) i`,
    [chatIds, user.id, peers.map((p) => p.id)],
  );
  await d.db.query(`UPDATE chats SET last_message_at = now() WHERE id = ANY($1)`, [chatIds]);
}

/**
 * `scale.groups` groups the probed users are both in (the first their owner), each filled up
 * to `scale.groupSize` from `pool` (a different slice each), with a few messages.
 */
async function addGroups(
  d: Deployment,
  probed: [OrgUser, OrgUser],
  pool: OrgUser[],
  scale: OrganizationScale,
) {
  const others = Math.min(pool.length, scale.groupSize - probed.length);
  for (let g = 0; g < scale.groups; g++) {
    const chatId = `g:${randomUUID()}`;
    const start = (g * others) % Math.max(1, pool.length - others + 1);
    const members = [...probed, ...pool.slice(start, start + others)];
    await d.db.query(
      `INSERT INTO chats (id, kind, title, last_message_at) VALUES ($1, 'group', $2, now())`,
      [chatId, `Team ${g + 1}`],
    );
    await d.db.query(
      `INSERT INTO chat_members (chat_id, user_id, role)
       SELECT $1, u, CASE WHEN ord = 1 THEN 'owner' ELSE 'member' END
         FROM unnest($2::uuid[]) WITH ORDINALITY AS t(u, ord)`,
      [chatId, members.map((u) => u.id)],
    );
    await d.db.query(
      `INSERT INTO messages (chat_id, sender_id, client_id, content)
       SELECT $1, (($2::uuid[])[1 + i % cardinality($2::uuid[])]), gen_random_uuid(), 'team note ' || i
         FROM generate_series(1, 5) i`,
      [chatId, members.map((u) => u.id)],
    );
  }
}

async function insertDirectChats(d: Deployment, pairs: [OrgUser, OrgUser][]) {
  const chatIds = pairs.map(([a, b]) => directChatId(a.id, b.id));
  await d.db.query(
    `INSERT INTO chats (id, kind) SELECT unnest($1::text[]), 'direct' ON CONFLICT DO NOTHING`,
    [chatIds],
  );
  await d.db.query(
    `INSERT INTO chat_members (chat_id, user_id)
     SELECT unnest($1::text[] || $1::text[]), unnest($2::uuid[] || $3::uuid[])
     ON CONFLICT DO NOTHING`,
    [chatIds, pairs.map(([a]) => a.id), pairs.map(([, b]) => b.id)],
  );
}

/** A ring: storm user k has direct chats with the next `contacts` storm users. */
async function addStormContacts(d: Deployment, users: OrgUser[], contacts: number) {
  const pairs: [OrgUser, OrgUser][] = [];
  users.forEach((u, k) => {
    for (let j = 1; j <= contacts; j++) {
      const peer = users[(k + j) % users.length];
      if (peer && peer !== u) pairs.push([u, peer]);
    }
  });
  for (let k = 0; k < pairs.length; k += 10_000) {
    await insertDirectChats(d, pairs.slice(k, k + 10_000));
  }
}

/**
 * Messages `from`..`to` of the `planned` in `All`, spread over the year before now in that
 * order, from senders spread over `senders`: COPY on two connections, foreign-key triggers
 * skipped (the rows are valid by construction).
 */
async function addHistory(
  d: Deployment,
  from: number,
  to: number,
  planned: number,
  senders: OrgUser[],
) {
  const yearMs = 365 * 86_400_000;
  const start = Date.now() - yearMs;
  const chunks = function* (a: number, b: number) {
    for (let at = a; at < b; at += 5000) {
      let text = '';
      for (let i = at; i < Math.min(b, at + 5000); i++) {
        const sender = senders[(i * 7919) % senders.length];
        const created = new Date(start + (yearMs * i) / planned).toISOString();
        const clientId = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
        text += `all\t${sender?.id}\t${clientId}\tmessage ${i} about the quarterly plan\t${created}\n`;
      }
      yield Buffer.from(text);
    }
  };
  const half = from + Math.ceil((to - from) / 2);
  await Promise.all(
    [
      [from, half],
      [half, to],
    ].map(async ([a = 0, b = 0]) => {
      const db = new Client({ connectionString: d.dbUrl });
      await db.connect();
      try {
        await db.query(`SET session_replication_role = replica`);
        await copyFrom(
          db,
          `COPY messages (chat_id, sender_id, client_id, content, created_at) FROM STDIN`,
          chunks(a, b),
        );
      } finally {
        await db.end();
      }
    }),
  );
  await d.db.query(`UPDATE chats SET last_message_at = now() WHERE id = 'all'`);
  // Messages that change (#12) keep each chat's greatest version on the chat.
  await d.db.query(`
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM information_schema.columns
                  WHERE table_name = 'chats' AND column_name = 'version') THEN
        UPDATE chats c SET version = v.version
          FROM (SELECT chat_id, max(version) AS version FROM messages GROUP BY chat_id) v
         WHERE c.id = v.chat_id;
      END IF;
    END $$`);
}

/**
 * A bulk load's usual shape: the table's non-unique indexes are dropped for the COPY and built
 * again after it (one sort each instead of millions of insertions), whatever they are.
 */
async function withoutSecondaryIndexes(d: Deployment, table: string, load: () => Promise<void>) {
  const { rows } = await d.db.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = $1::regclass AND NOT x.indisunique`,
    [table],
  );
  for (const index of rows) await d.db.query(`DROP INDEX ${index.name}`);
  try {
    await load();
  } finally {
    await d.db.query(`SET maintenance_work_mem = '256MB'`);
    for (const index of rows) await d.db.query(index.definition);
  }
}

async function readEverything(d: Deployment, user: OrgUser) {
  await d.db.query(
    `UPDATE chat_members cm SET last_read_id = (SELECT max(id) FROM messages m WHERE m.chat_id = cm.chat_id)
      WHERE cm.user_id = $1`,
    [user.id],
  );
}

async function settle(d: Deployment) {
  await d.db.query(`VACUUM (ANALYZE) users, chat_members, chats, messages, sessions`);
  await d.db.query('CHECKPOINT').catch(() => undefined);
}
