import { GLOBAL_CHAT_ID, type HealthStatus, type User } from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
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
import { none, promise, type ScenarioReport } from '../support/report';
import { ms, seconds, sleep } from '../support/timing';
import type { Timeline } from '../support/timeline';
import { checkAcked, checkView, duplicatedRows, rowsByChat, sum } from '../support/verify';

const CLIENTS = 8;
/** A quick restart, then one that outlasts a Redis client's default retries (about 10 s). */
const OUTAGES_MS = [3_000, 15_000];
const RESUME_WITHIN_MS = 10_000;
const SEND_DEADLINE_MS = 45_000;

interface Outage {
  ms: number;
  from: number;
  to: number;
}

/**
 * Clients spread over two instances send to `all` and to direct chats whose members sit on
 * different instances, while Redis (adapter, presence, rate limits) is killed twice and
 * started again. The instances must stay up, and no client may miss a message: neither after
 * its own recovery (live delivery, catch-ups after reconnections) nor in the database.
 */
export async function redisRestarted(
  deployment: Deployment,
  timeline: Timeline,
): Promise<ScenarioReport> {
  const started = Date.now();
  const redis = deployment.redis;
  if (!redis) throw new Error('the deployment has no Redis');
  const bases = [deployment.baseUrl(0), deployment.baseUrl(1)] as const;
  const tag = uniqueTag();
  const users = await registerUsers(bases[0], tag, 'q', CLIENTS);
  const direct: string[] = [];
  for (let i = 0; i < CLIENTS; i += 2) {
    const chat = await openDirectChat(bases[0], itemAt(users, i), itemAt(users, i + 1));
    direct[i] = chat.id;
    direct[i + 1] = chat.id;
  }
  const allSince = await newestId(bases[0], users[0], GLOBAL_CHAT_ID);
  // Even clients on instance 0, odd on instance 1: every direct chat spans both.
  const clients = users.map(
    (user, i) =>
      new ChatClient({
        baseUrl: itemAt(bases, i % 2),
        user,
        catchUpVia: i % 4 < 2 ? 'socket' : 'rest',
        catchUpFrom: 'confirmed',
        sendAckTimeoutMs: 5_000,
      }),
  );
  await Promise.all(clients.map((client) => client.connect()));
  clients.forEach((client, i) => {
    client.watch(GLOBAL_CHAT_ID, allSince);
    client.watch(itemAt(direct, i), null);
  });
  await Promise.all(clients.map((client) => client.settled()));
  const crashesBefore = deployment.crashes.length;

  let stopping = false;
  const sent: SentMessage[] = [];
  const senders = clients.map(async (client, i) => {
    for (let k = 0; !stopping; k++) {
      const chatId = k % 2 === 0 ? GLOBAL_CHAT_ID : itemAt(direct, i);
      sent.push(await client.send(chatId, `${tag} q${i}#${k}`, Date.now() + SEND_DEADLINE_MS));
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

  const outages: Outage[] = [];
  let restartedByTest = 0;
  for (const outageMs of OUTAGES_MS) {
    await sleep(2_000);
    timeline.record('redis-stopped');
    await redis.kill();
    const from = Date.now();
    await sleep(outageMs);
    const to = Date.now();
    await redis.start();
    outages.push({ ms: outageMs, from, to });
    // As a supervisor would, so that what was acknowledged can still be checked.
    restartedByTest += await deployment.restartStopped();
  }
  const redisBack = Date.now();

  // Live delivery across instances again: client 0 (instance 0) to client 1 (instance 1).
  let resumedMs: number | null = null;
  for (let n = 0; resumedMs === null && Date.now() - redisBack < 20_000; n++) {
    const record = await itemAt(clients, 0)
      .send(itemAt(direct, 0), `${tag} resume probe ${n}`, Date.now() + 5_000, randomUUID())
      .catch(() => null);
    sent.push(...(record ? [record] : []));
    const id = record?.message?.id;
    await sleep(300);
    if (id && itemAt(clients, 1).views.get(itemAt(direct, 0))?.has(id))
      resumedMs = Date.now() - redisBack;
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
  // What each client shows on its own: live messages, and its catch-ups after reconnecting.
  const ownRecovery = checkAcked(sent, await deployment.storedMessages({ senderIds }), members);

  // A catch-up forced now, from the end of each client's previous one: is anything lost for good?
  const forced = await Promise.allSettled(clients.map((client) => client.catchUpNow()));
  const ownRows = await deployment.storedMessages({ senderIds });
  const chatRows = rowsByChat(await deployment.storedMessages({ chatIds, afterId: allSince }));
  const loss = checkAcked(sent, ownRows, members);
  const checks = clients.flatMap((client) =>
    [...client.views.values()].map((view) => checkView(view, chatRows.get(view.chatId) ?? [])),
  );
  clients.forEach((client) => client.close());

  const crashes = deployment.crashes.slice(crashesBefore);
  const firstCrash = crashes[0];
  const attempts: SendAttempt[] = sent.flatMap((record) => record.attempts);
  const tally = (outage: Outage) => {
    const counts = new Map<string, number>();
    for (const a of attempts) {
      if (a.emittedAt < outage.from || a.emittedAt >= outage.to) continue;
      counts.set(a.outcome, (counts.get(a.outcome) ?? 0) + 1);
    }
    return [...counts.entries()].map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none';
  };
  const healthStates = (outage: Outage) =>
    [
      ...new Set(
        redisHealth
          .filter((p) => p.at >= outage.from + 500 && p.at < outage.to)
          .map((p) => p.redis),
      ),
    ].join(', ') || 'none';
  const ackedIds = new Set(sent.flatMap((record) => (record.message ? [record.message.id] : [])));
  const missing = sum(checks.map((check) => check.missing));
  const failures = sendResults.filter((result) => result.status === 'rejected');
  const forcedFailures = forced.filter((result) => result.status === 'rejected').length;
  const lostForGood = loss.notStored + loss.notShown + missing + forcedFailures;

  return {
    id: 'redis-restarted',
    title: 'Redis restarted under two API instances',
    setup:
      `${CLIENTS} clients, alternately on instance 0 and instance 1 (so every direct chat ` +
      `spans both), send to \`all\` and their direct chat without pause, retrying with the ` +
      `same clientId. Redis gets SIGKILL twice, 2 s into the traffic each time, and stays ` +
      `down ${OUTAGES_MS.map((o) => `${o / 1000} s`).join(', then ')} before it is started ` +
      `again on the same port (empty: no persistence). An instance that exits is started ` +
      `again once Redis is back, as a supervisor would. Clients catch up after every ` +
      `reconnection from the end of their previous catch-up (not from the newest id shown: ` +
      `live delivery from the other instance can skip messages while newer ones get ` +
      `through, and a catch-up after the newest id would never fill those holes).`,
    figures: [
      promise(
        'API instances up throughout',
        firstCrash === undefined
          ? 'yes'
          : `no: ${crashes.length} exits, the first ${seconds(firstCrash.at - itemAt(outages, 0).from)} after the first kill (${firstCrash.error ?? 'no error printed'})`,
        'yes',
        crashes.length === 0,
      ),
      { name: 'instances started again by the test', value: restartedByTest },
      ...outages.map((outage) => ({
        name: `sends emitted during the ${outage.ms / 1000} s outage, by answer`,
        value: tally(outage),
      })),
      ...outages.map((outage) => ({
        name: `health \`redis\` during the ${outage.ms / 1000} s outage`,
        value: healthStates(outage),
      })),
      promise(
        'cross-instance live delivery resumed after Redis returned',
        ms(resumedMs),
        `<= ${RESUME_WITHIN_MS / 1000} s`,
        resumedMs !== null && resumedMs <= RESUME_WITHIN_MS,
      ),
      { name: 'presence (GET /api/users) right again after', value: ms(presenceBackMs) },
      { name: 'messages acked', value: ackedIds.size },
      promise('rows stored', ownRows.length, '= acked', ownRows.length === ackedIds.size),
      none(
        'acked messages a member missed after its own recovery (live + reconnect catch-ups)',
        ownRecovery.notShown,
      ),
      none('messages missing for any client after a catch-up forced by the test', lostForGood),
      none('duplicated rows', duplicatedRows(ownRows)),
      none('duplicates shown to a client', sum(checks.map((check) => check.duplicatesShown))),
      {
        name: 'holes below the newest id shown, filled by catch-ups',
        value: sum(clients.flatMap((c) => [...c.views.values()].map((v) => v.holesFilled))),
      },
      {
        name: 'messages that arrived live after a newer one of their chat',
        value: sum(
          clients.flatMap((c) => [...c.views.values()].map((v) => v.lateArrivals - v.holesFilled)),
        ),
      },
      {
        name: 'sockets the server closed / client reconnections',
        value: `${sum(clients.map((c) => c.serverDisconnects))} / ${sum(clients.map((c) => c.reconnectMs.length))}`,
      },
      none('send loops that gave up', failures.length),
      { name: 'scenario time', value: seconds(Date.now() - started) },
    ],
    notes: [
      ...crashes.map((crash) => `instance ${crash.instance}: ${crash.description}`),
      ...failures.slice(0, 3).map((failure) => String(failure.reason)),
      ...ownRecovery.details.slice(0, 3),
      ...loss.details.slice(0, 3),
    ],
  };
}
