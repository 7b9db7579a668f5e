import { GLOBAL_CHAT_ID, HANDSHAKE_UNAUTHORIZED } from '@chat/shared-types';
import { connectSession, itemAt } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import {
  ChatClient,
  type OutcomeKind,
  type SendAttempt,
  type SentMessage,
} from '../support/chat-client';
import type { Deployment } from '../support/deployment';
import {
  healthStatus,
  newestId,
  openDirectChat,
  registerUsers,
  rest,
  uniqueTag,
} from '../support/http';
import { none, promise, type ScenarioReport } from '../support/report';
import { ms, seconds, sleep } from '../support/timing';
import type { Timeline } from '../support/timeline';
import { checkAcked, checkView, duplicatedRows, rowsByChat, sum } from '../support/verify';

const CLIENTS = 6;
const OUTAGE_MS = 5_000;
const SERVE_AGAIN_WITHIN_MS = 5_000;
/** Longer than the API's query timeout (10 s), so every send gets its real answer. */
const ACK_TIMEOUT_MS = 15_000;

interface HealthProbe {
  at: number;
  answeredAt: number;
  status: number | null;
}

/**
 * Clients send steadily while the API's database sessions are terminated
 * (pg_terminate_backend), then while PostgreSQL is stopped for 5 s and started again. The API
 * must answer `unavailable` (never a false ok), report 503 on health, stay up, and serve again
 * within 5 s of the database returning; nothing acknowledged may be lost.
 */
export async function postgresRestarted(
  deployment: Deployment,
  timeline: Timeline,
): Promise<ScenarioReport> {
  const started = Date.now();
  const baseUrl = deployment.baseUrl();
  const tag = uniqueTag();
  const users = await registerUsers(baseUrl, tag, 'p', CLIENTS);
  const direct: string[] = [];
  for (let i = 0; i < CLIENTS; i += 2) {
    const chat = await openDirectChat(baseUrl, itemAt(users, i), itemAt(users, i + 1));
    direct[i] = chat.id;
    direct[i + 1] = chat.id;
  }
  const allSince = await newestId(baseUrl, users[0], GLOBAL_CHAT_ID);
  const clients = users.map(
    (user, i) =>
      new ChatClient({
        baseUrl,
        user,
        catchUpVia: i % 2 === 0 ? 'rest' : 'socket',
        sendAckTimeoutMs: ACK_TIMEOUT_MS,
      }),
  );
  await Promise.all(clients.map((client) => client.connect()));
  clients.forEach((client, i) => {
    client.watch(GLOBAL_CHAT_ID, allSince);
    client.watch(itemAt(direct, i), null);
  });
  await Promise.all(clients.map((client) => client.settled()));
  const pidBefore = deployment.api.pid;

  let stopping = false;
  const sent: SentMessage[] = [];
  const senders = clients.map(async (client, i) => {
    for (let k = 0; !stopping; k++) {
      const chatId = k % 2 === 0 ? GLOBAL_CHAT_ID : itemAt(direct, i);
      sent.push(await client.send(chatId, `${tag} p${i}#${k}`, Date.now() + 60_000));
      await sleep(40);
    }
  });
  const health: HealthProbe[] = [];
  const probing = (async () => {
    while (!stopping) {
      const at = Date.now();
      const status = await healthStatus(baseUrl, 3_000);
      health.push({ at, answeredAt: Date.now(), status });
      await sleep(200);
    }
  })();

  await sleep(2_000);
  const terminatedAt = Date.now();
  timeline.record('postgres-terminated');
  const terminated = await deployment.postgres.terminateBackends(deployment.database.name);
  await sleep(2_000);

  timeline.record('postgres-stopped');
  await deployment.postgres.stop('fast');
  const outageFrom = Date.now();
  // A client that (re)connects now must not be told its valid token is bad.
  const [handshake, me] = await Promise.all([
    handshakeOutcome(baseUrl, users[0].token),
    rest(baseUrl, 'GET', '/api/users/me', { token: users[0].token, timeoutMs: 5_000 })
      .then((answer) => String(answer.status))
      .catch(() => 'no answer'),
  ]);
  await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageFrom)));
  // Until the server is spawned again it is certainly down: the outage window ends here.
  const outageTo = Date.now();
  await deployment.postgres.start();
  const databaseBack = Date.now();

  // The first send answered ok, and the first health 200, after the database came back.
  const probe = itemAt(clients, 0);
  const probeMessage = { chatId: GLOBAL_CHAT_ID, content: `${tag} probe`, clientId: randomUUID() };
  let servedAgainAt: number | null = null;
  while (servedAgainAt === null && Date.now() - databaseBack < 30_000) {
    const outcome = await probe.emitSend(probeMessage);
    if (outcome.kind === 'ok') {
      servedAgainAt = Date.now();
      sent.push({
        chatId: GLOBAL_CHAT_ID,
        content: outcome.data.content,
        clientId: outcome.data.clientId,
        attempts: [],
        message: outcome.data,
      });
    } else await sleep(100);
  }
  await sleep(2_000);
  stopping = true;
  const sendResults = await Promise.allSettled(senders);
  await probing;
  const pidAfter = deployment.api.running ? deployment.api.pid : undefined;

  await Promise.all(clients.map((client) => client.catchUpNow()));
  const senderIds = users.map((user) => user.id);
  const ownRows = await deployment.storedMessages({ senderIds });
  const chatRows = rowsByChat(
    await deployment.storedMessages({
      chatIds: [GLOBAL_CHAT_ID, ...new Set(direct)],
      afterId: allSince,
    }),
  );
  const members = (chatId: string) => clients.filter((client) => client.views.has(chatId));
  const loss = checkAcked(sent, ownRows, members);
  const checks = clients.flatMap((client) =>
    [...client.views.values()].map((view) => checkView(view, chatRows.get(view.chatId) ?? [])),
  );
  clients.forEach((client) => client.close());

  const attempts: SendAttempt[] = sent.flatMap((record) => record.attempts);
  const during = attempts.filter(
    (attempt) => attempt.emittedAt >= outageFrom && attempt.emittedAt < outageTo,
  );
  const afterTermination = attempts.filter(
    (attempt) => attempt.emittedAt >= terminatedAt && attempt.emittedAt < outageFrom,
  );
  const tally = (list: SendAttempt[]) => {
    const counts = new Map<OutcomeKind, number>();
    for (const attempt of list) counts.set(attempt.outcome, (counts.get(attempt.outcome) ?? 0) + 1);
    return [...counts.entries()].map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none';
  };
  const afterTerminationOther = afterTermination.filter(
    (attempt) => attempt.outcome !== 'ok' && attempt.outcome !== 'unavailable',
  ).length;
  const duringNotUnavailable = during.filter((attempt) => attempt.outcome !== 'unavailable');
  const slowestOutageAnswer = Math.max(0, ...during.map((a) => a.answeredAt - a.emittedAt));
  const healthDuring = health.filter((probe) => probe.at >= outageFrom && probe.at < outageTo);
  const healthDuringNot503 = healthDuring.filter((probe) => probe.status !== 503).length;
  const healthBack = health.find((probe) => probe.at >= databaseBack && probe.status === 200);
  const healthBackMs = healthBack ? healthBack.answeredAt - databaseBack : null;
  const servedAgainMs = servedAgainAt === null ? null : servedAgainAt - databaseBack;
  const ackedIds = new Set(sent.flatMap((record) => (record.message ? [record.message.id] : [])));
  const falseOk = sent.filter(
    (record) => record.message && !ownRows.some((row) => row.id === record.message?.id),
  ).length;
  const missing = sum(checks.map((check) => check.missing));
  const failures = sendResults.filter((result) => result.status === 'rejected');

  return {
    id: 'postgres-restarted',
    title: 'PostgreSQL restarted mid-stream (backends terminated, then server stopped)',
    setup:
      `${CLIENTS} Socket.IO clients send to \`all\` and their direct chats without pause ` +
      `(ack timeout ${ACK_TIMEOUT_MS / 1000} s, retries with the same clientId) while health ` +
      `is polled every 200 ms. After 2 s every database session of the API is ended with ` +
      `pg_terminate_backend; 2 s later the test's own PostgreSQL is stopped (fast shutdown) ` +
      `for ${OUTAGE_MS / 1000} s and started again on the same port and data; meanwhile a ` +
      `new socket handshake and GET /api/users/me are tried with a valid token. The ` +
      `machine's shared PostgreSQL is not touched.`,
    figures: [
      { name: 'sessions terminated (pg_terminate_backend)', value: terminated },
      {
        name: 'sends between termination and stop, by answer',
        value: tally(afterTermination),
      },
      none('of those, answered other than ok or `unavailable`', afterTerminationOther),
      promise('sends emitted while the database was down', during.length, '> 0', during.length > 0),
      { name: 'their answers', value: tally(during) },
      none(
        'sends during the outage answered other than `unavailable`',
        duringNotUnavailable.length,
      ),
      { name: 'slowest answer during the outage', value: ms(slowestOutageAnswer) },
      none('false ok (acked, not stored)', falseOk),
      promise('GET /api/users/me with a valid token during the outage', me, '503', me === '503'),
      promise(
        'socket handshake with a valid token during the outage',
        handshake,
        'not `unauthorized` (clients sign out on it)',
        handshake !== `connect_error: ${HANDSHAKE_UNAUTHORIZED}`,
      ),
      promise(
        'health during the outage (probes answered 503)',
        `${healthDuring.length - healthDuringNot503} of ${healthDuring.length}`,
        'all',
        healthDuring.length > 0 && healthDuringNot503 === 0,
      ),
      promise(
        'API process (pid before / after)',
        `${pidBefore} / ${pidAfter ?? 'gone'}`,
        'same, running',
        pidBefore !== undefined && pidBefore === pidAfter,
      ),
      promise(
        'health 200 again after the database returned',
        ms(healthBackMs),
        `<= ${SERVE_AGAIN_WITHIN_MS / 1000} s`,
        healthBackMs !== null && healthBackMs <= SERVE_AGAIN_WITHIN_MS,
      ),
      promise(
        'first send acknowledged after the database returned',
        ms(servedAgainMs),
        `<= ${SERVE_AGAIN_WITHIN_MS / 1000} s`,
        servedAgainMs !== null && servedAgainMs <= SERVE_AGAIN_WITHIN_MS,
      ),
      { name: 'messages acked', value: ackedIds.size },
      promise('rows stored', ownRows.length, '= acked', ownRows.length === ackedIds.size),
      none(
        'acked but missing (database or a member after catch-up)',
        loss.notStored + loss.notShown,
      ),
      none('stored rows missing from a list', missing),
      none('duplicated rows', duplicatedRows(ownRows)),
      none('send loops that gave up', failures.length),
      {
        name: 'sockets the server closed / handshakes refused as unauthorized',
        value: `${sum(clients.map((c) => c.serverDisconnects))} / ${sum(clients.map((c) => c.unauthorizedHandshakes))}`,
      },
      { name: 'scenario time', value: seconds(Date.now() - started) },
    ],
    notes: [
      ...failures.slice(0, 3).map((failure) => String(failure.reason)),
      ...loss.details.slice(0, 5),
    ],
  };
}

/** `session`, or how the handshake failed. */
async function handshakeOutcome(baseUrl: string, token: string): Promise<string> {
  try {
    const { socket } = await connectSession(baseUrl, token, 5_000);
    socket.disconnect();
    return 'session';
  } catch (error) {
    const message = (error as Error).message;
    const refused = /^connect_error from \S+: (.*)$/.exec(message);
    return refused ? `connect_error: ${refused[1]}` : message;
  }
}
