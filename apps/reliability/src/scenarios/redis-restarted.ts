import { GLOBAL_CHAT_ID, type HealthStatus, type User } from '@chat/shared-types';
import { randomUUID } from 'node:crypto';
import { ChatClient, type SendAttempt, type SentMessage } from '../support/chat-client';
import type { Deployment } from '../support/deployment';
import {
  newestId,
  openDirectChat,
  registerUsers,
  rest,
  restExpect,
  uniqueTag,
} from '../support/http';
import { promise, type ScenarioReport } from '../support/report';
import { ms, seconds, sleep } from '../support/timing';
import type { Timeline } from '../support/timeline';
import { checkAcked, checkView, duplicatedRows, rowsByChat, sum } from '../support/verify';

const CLIENTS = 8;
const OUTAGE_MS = 3_000;
const RESUME_WITHIN_MS = 10_000;

/**
 * Clients spread over two instances send to `all` and to direct chats whose members sit on
 * different instances, while Redis (adapter, presence, rate limits) is killed and started
 * again. After reconnecting where needed and catching up, no client may miss a message.
 */
export async function redisRestarted(
  deployment: Deployment,
  timeline: Timeline,
): Promise<ScenarioReport> {
  const started = Date.now();
  const redis = deployment.redis;
  if (!redis) throw new Error('the deployment has no Redis');
  const bases = [deployment.baseUrl(0), deployment.baseUrl(1)];
  const tag = uniqueTag();
  const users = await registerUsers(bases[0], tag, 'q', CLIENTS);
  const direct: string[] = [];
  for (let i = 0; i < CLIENTS; i += 2) {
    const chat = await openDirectChat(bases[0], users[i], users[i + 1]);
    direct[i] = chat.id;
    direct[i + 1] = chat.id;
  }
  const allSince = await newestId(bases[0], users[0], GLOBAL_CHAT_ID);
  // Even clients on instance 0, odd on instance 1: every direct chat spans both.
  const clients = users.map(
    (user, i) =>
      new ChatClient({
        baseUrl: bases[i % 2],
        user,
        catchUpVia: i % 4 < 2 ? 'socket' : 'rest',
        catchUpFrom: 'confirmed',
        sendAckTimeoutMs: 5_000,
      }),
  );
  await Promise.all(clients.map((client) => client.connect()));
  clients.forEach((client, i) => {
    client.watch(GLOBAL_CHAT_ID, allSince);
    client.watch(direct[i], null);
  });
  await Promise.all(clients.map((client) => client.settled()));
  const pidsBefore = deployment.apis.map((run) => run.api.pid);

  let stopping = false;
  const sent: SentMessage[] = [];
  const senders = clients.map(async (client, i) => {
    for (let k = 0; !stopping; k++) {
      const chatId = k % 2 === 0 ? GLOBAL_CHAT_ID : direct[i];
      sent.push(await client.send(chatId, `${tag} q${i}#${k}`, Date.now() + 60_000));
      await sleep(50);
    }
  });
  const redisHealth: { at: number; redis: string }[] = [];
  const probing = (async () => {
    while (!stopping) {
      for (const base of bases) {
        const answer = await rest<HealthStatus>(base, 'GET', '/api/health', { timeoutMs: 2_000 })
          .then((res) => res.body?.redis ?? `status ${res.status}`)
          .catch(() => 'no answer');
        redisHealth.push({ at: Date.now(), redis: answer });
      }
      await sleep(250);
    }
  })();

  await sleep(2_000);
  timeline.record('redis-stopped');
  await redis.kill();
  const outageFrom = Date.now();
  await sleep(OUTAGE_MS);
  await redis.start();
  const redisBack = Date.now();

  // Live delivery across instances again: client 0 (instance 0) to client 1 (instance 1).
  let resumedMs: number | null = null;
  for (let n = 0; resumedMs === null && Date.now() - redisBack < 20_000; n++) {
    const record = await clients[0]
      .send(direct[0], `${tag} resume probe ${n}`, Date.now() + 5_000, randomUUID())
      .catch(() => null);
    sent.push(...(record ? [record] : []));
    const id = record?.message?.id;
    await sleep(300);
    if (id && clients[1].views.get(direct[0])?.has(id)) resumedMs = Date.now() - redisBack;
  }
  // Presence: Redis came back empty; connected users must show online again.
  let presenceBackMs: number | null = null;
  while (presenceBackMs === null && Date.now() - redisBack < 25_000) {
    const listed = await restExpect<User[]>(bases[1], 'GET', `/api/users?search=${tag}_q`, [200], {
      token: users[1].token,
    }).catch(() => [] as User[]);
    const online = listed.filter((user) => user.online).length;
    if (online >= CLIENTS - 1) presenceBackMs = Date.now() - redisBack;
    else await sleep(500);
  }
  await sleep(1_000);
  stopping = true;
  const sendResults = await Promise.allSettled(senders);
  await probing;
  await sleep(500);

  const senderIds = users.map((user) => user.id);
  const chatIds = [GLOBAL_CHAT_ID, ...new Set(direct)];
  const members = (chatId: string) => clients.filter((client) => client.views.has(chatId));
  const liveRows = await deployment.storedMessages({ senderIds });
  const liveLoss = checkAcked(sent, liveRows, members);

  // What a client does after a reconnect: catch every chat up from the newest id it shows.
  await Promise.all(clients.map((client) => client.catchUpNow()));
  const ownRows = await deployment.storedMessages({ senderIds });
  const chatRows = rowsByChat(await deployment.storedMessages({ chatIds, afterId: allSince }));
  const loss = checkAcked(sent, ownRows, members);
  const checks = clients.flatMap((client) =>
    [...client.views.values()].map((view) => checkView(view, chatRows.get(view.chatId) ?? [])),
  );
  clients.forEach((client) => client.close());

  const running = deployment.apis.every(
    (run, i) => run.api.running && run.api.pid === pidsBefore[i],
  );
  const attempts: SendAttempt[] = sent.flatMap((record) => record.attempts);
  const during = attempts.filter((a) => a.emittedAt >= outageFrom && a.emittedAt < redisBack);
  const outcomes = new Map<string, number>();
  for (const attempt of during) {
    outcomes.set(attempt.outcome, (outcomes.get(attempt.outcome) ?? 0) + 1);
  }
  const healthDuring = redisHealth.filter((p) => p.at >= outageFrom + 500 && p.at < redisBack);
  const healthStates = [...new Set(healthDuring.map((p) => p.redis))].join(', ') || 'none';
  const ackedIds = new Set(sent.flatMap((record) => (record.message ? [record.message.id] : [])));
  const missing = sum(checks.map((check) => check.missing));
  const failures = sendResults.filter((result) => result.status === 'rejected');

  return {
    id: 'redis-restarted',
    title: 'Redis restarted under two API instances',
    setup:
      `${CLIENTS} clients, alternately on instance 0 and instance 1 (so every direct chat ` +
      `spans both), send to \`all\` and their direct chat without pause, retrying with the ` +
      `same clientId. After 2 s the Redis server gets SIGKILL, stays down ${OUTAGE_MS / 1000} s ` +
      `and is started again on the same port (empty: no persistence). Each client then ` +
      `catches up every chat, as after any reconnection, from the end of its previous ` +
      `catch-up (not from the newest id it shows: live delivery from the other instance ` +
      `can skip messages while newer ones get through, and a catch-up after the newest id ` +
      `would never fill those holes).`,
    figures: [
      promise('API instances up throughout (same pids)', running ? 'yes' : 'no', 'yes', running),
      {
        name: 'sends emitted while Redis was down, by answer',
        value:
          [...outcomes.entries()].map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none',
      },
      { name: 'health `redis` while down', value: healthStates },
      promise(
        'cross-instance live delivery resumed after Redis returned',
        ms(resumedMs),
        `<= ${RESUME_WITHIN_MS / 1000} s`,
        resumedMs !== null && resumedMs <= RESUME_WITHIN_MS,
      ),
      { name: 'presence (GET /api/users) right again after', value: ms(presenceBackMs) },
      { name: 'messages acked', value: ackedIds.size },
      promise('rows stored', ownRows.length, '= acked', ownRows.length === ackedIds.size),
      {
        name: 'acked messages a member had not received live (before catch-up)',
        value: liveLoss.notShown,
      },
      promise(
        'messages missing for any client after reconnect and catch-up',
        loss.notStored + loss.notShown + missing,
        '= 0',
        loss.notStored + loss.notShown + missing === 0,
      ),
      promise('duplicated rows', duplicatedRows(ownRows), '= 0', duplicatedRows(ownRows) === 0),
      promise(
        'duplicates shown to a client',
        sum(checks.map((check) => check.duplicatesShown)),
        '= 0',
        sum(checks.map((check) => check.duplicatesShown)) === 0,
      ),
      {
        name: 'holes below the newest id shown, filled by the catch-up',
        value: sum(clients.flatMap((c) => [...c.views.values()].map((v) => v.holesFilled))),
      },
      {
        name: 'messages that arrived live after a newer one of their chat',
        value: sum(
          clients.flatMap((c) => [...c.views.values()].map((v) => v.lateArrivals - v.holesFilled)),
        ),
      },
      {
        name: 'sockets the server closed / reconnections',
        value: `${sum(clients.map((c) => c.serverDisconnects))} / ${sum(clients.map((c) => c.reconnectMs.length))}`,
      },
      promise('send loops that gave up', failures.length, '= 0', failures.length === 0),
      { name: 'scenario time', value: seconds(Date.now() - started) },
    ],
    notes: [
      ...failures.slice(0, 3).map((failure) => String((failure as PromiseRejectedResult).reason)),
      ...loss.details.slice(0, 5),
    ],
  };
}
