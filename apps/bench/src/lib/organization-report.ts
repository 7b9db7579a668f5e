import type { W6Result } from './organization';
import type { Row } from './results';
import type { Summary } from './stats';

const KB = 1024;
const num = (value: number, digits = 1) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits });

/** W6's judged figures, as rows of the summary table. */
export function organizationRows(w6: W6Result): Row[] {
  const { large, small, grownSameUsers: same, storm, stormSmall } = w6;
  const org = `W6 organization, ${num(large.users, 0)} users, ${num(large.messages, 0)} messages`;
  const rows: Row[] = [];
  const row = (
    metric: string,
    api: number,
    unit: string,
    target: string,
    met: boolean,
    baseline: number | null = null,
    baselineName = '',
  ) =>
    rows.push({
      workload: org,
      metric,
      api,
      baseline,
      baselineName,
      unit,
      ratio: baseline ? api / baseline : null,
      target,
      met,
    });
  for (const who of ['nothing', 'everything'] as const) {
    const chats = large.chats[who];
    row(
      `GET /api/chats p99, ${large.chats.directChats} direct chats + ${large.chats.groups} groups, read ${who}`,
      chats.latency.p99,
      'ms',
      '≤ 30 ms',
      chats.latency.p99 <= 30 && chats.errors === 0,
    );
    row(
      `GET /api/chats body on the wire (${num(chats.jsonBytes / KB)} KB of JSON), read ${who}`,
      round(chats.bytes / KB),
      'KB',
      '≤ 64 KB',
      chats.bytes <= 64 * KB,
    );
    row(
      `GET /api/chats p99, ${small.chats.directChats} direct chats + ${small.chats.groups} groups, read ${who}: ${num(large.users, 0)} vs ${small.users} users`,
      same[who].latency.p99,
      'ms',
      '≤ 1.5× 100 users',
      same[who].latency.p99 <= 1.5 * small.chats[who].latency.p99,
      small.chats[who].latency.p99,
      `${small.users} users`,
    );
  }
  row(
    'GET /api/users?available=true&search= p99',
    large.usersSearch.p99,
    'ms',
    '≤ 30 ms',
    large.errors === 0 && large.usersSearch.p99 <= 30,
  );
  row(
    'GET /api/chats/all/members?search= p99',
    large.membersSearch.p99,
    'ms',
    '≤ 30 ms',
    large.errors === 0 && large.membersSearch.p99 <= 30,
  );
  row(
    'socket handshake → session p99',
    large.handshake.p99,
    'ms',
    '≤ 20 ms',
    large.handshake.p99 <= 20,
  );
  row(
    'first history page of All p99',
    large.firstHistoryPage.p99,
    'ms',
    '≤ 10 ms',
    large.errors === 0 && large.firstHistoryPage.p99 <= 10,
  );
  row(
    `morning storm, ${storm.sockets} sockets: presence frames per socket`,
    storm.presenceFramesPerSocket,
    '',
    '< 50',
    storm.presenceFramesPerSocket < 50 && storm.connected === storm.sockets,
  );
  row(
    `morning storm, ${storm.sockets} sockets: API CPU per connect`,
    storm.apiCpuMsPerConnect,
    'ms',
    `≤ 1.5× ${stormSmall.sockets}-socket storm`,
    storm.apiCpuMsPerConnect <= 1.5 * stormSmall.apiCpuMsPerConnect,
    stormSmall.apiCpuMsPerConnect,
    `${stormSmall.sockets} sockets`,
  );
  return rows;
}

const latency = (s: Summary) => `${num(s.p50, 2)} / ${num(s.p99, 2)} / ${num(s.max, 2)} ms`;

/** The W6 section of the report: every figure, then the plans. */
export function organizationSection(w6: W6Result): string[] {
  const { small, large, grownSameUsers: same } = w6;
  const stage = (name: string, s: typeof small) => [
    `| ${name} | ${num(s.users, 0)} | ${num(s.messages, 0)} | ${latency(s.chats.nothing.latency)}, ${num(s.chats.nothing.bytes / KB)} KB | ` +
      `${latency(s.chats.everything.latency)}, ${num(s.chats.everything.bytes / KB)} KB | ${latency(s.usersSearch)} | ` +
      `${latency(s.membersSearch)} | ${latency(s.firstHistoryPage)} | ${latency(s.handshake)} | ${s.errors} |`,
  ];
  const storm = (s: W6Result['storm']) =>
    `| ${s.sockets} | ${s.connected} | ${num(s.wallMs / 1000)} s | ${s.presenceFramesPerSocket} (contacts: ${s.maxContacts}) | ` +
    `${s.apiCpuMsPerConnect} ms | ${latency(s.handshake)} |`;
  return [
    '## W6 organization',
    '',
    `One API of its own on a fresh database, seeded with COPY in ${num(w6.seedMs / 1000)} s: first a company ` +
      `of ${small.users} users (${num(small.messages, 0)} messages in \`All\`, the probed users with a direct chat ` +
      `with ${small.chats.directChats} of them and ${small.chats.groups} groups), then grown to ${num(large.users, 0)} users in \`All\` and ` +
      `${num(large.messages, 0)} messages over a year, with two new probed users of ` +
      `${large.chats.directChats} direct chats each (3 messages per chat) and ${large.chats.groups} groups they are ` +
      `both in (${large.chats.groupSize} members and 5 messages each). "read nothing" has never read ` +
      'anything (All: millions unread); "read everything" is at the newest message of every chat. ' +
      'Latencies are p50 / p99 / max of sequential requests on one keep-alive connection, to the ' +
      "body's last byte; sizes are the body on the wire, compressed as a browser asks (brotli).",
    '',
    '| organization | users | messages | GET /api/chats, read nothing | read everything | users?available&search | members?search | first history page | handshake → session | non-200 answers |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...stage('small', small),
    ...stage('grown', large),
    '',
    `The small company's probed users again, once the organization has grown (same ${small.chats.directChats} ` +
      `direct chats and ${small.chats.groups} groups): read nothing ${latency(same.nothing.latency)} (${num(same.nothing.bytes / KB)} KB), read ` +
      `everything ${latency(same.everything.latency)} (${num(same.everything.bytes / KB)} KB).`,
    '',
    'Morning storm on the grown organization: sockets of distinct users (batched presence, as the web ' +
      'client), each with direct chats with the next few storm users, connect at once; presence frames ' +
      'counted until 1.5 s after the last handshake; CPU of the API process over the same time.',
    '',
    '| sockets | connected | took | presence frames per socket | API CPU per connect | handshake p50 / p99 / max |',
    '|---|---|---|---|---|---|',
    storm(w6.stormSmall),
    storm(w6.storm),
    '',
    ...w6.plans.flatMap((p) => [
      `<details><summary>${p.title}: ${/Execution Time: ([\d.]+) ms/.exec(p.plan)?.[1] ?? '?'} ms</summary>`,
      '',
      '```',
      p.plan,
      '```',
      '',
      '</details>',
      '',
    ]),
  ];
}

const round = (value: number) => Math.round(value * 10) / 10;
