import { GLOBAL_CHAT_ID } from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
import { ChatClient, type OutcomeKind, type SentMessage } from '../support/chat-client';
import type { Deployment } from '../support/deployment';
import { newestId, openDirectChat, registerUsers, uniqueTag } from '../support/http';
import { none, promise, type ScenarioReport } from '../support/report';
import { ms, percentile, seconds, sleep, waitFor } from '../support/timing';
import type { Timeline } from '../support/timeline';
import { checkAcked, checkView, duplicatedRows, rowsByChat, sum } from '../support/verify';

const CLIENTS = 20;
const MESSAGES = 2_000;
const KILL_AT = 0.4;
const SEND_DEADLINE_MS = 120_000;

/**
 * 20 clients, each in `all` and in direct chats with its two ring neighbours, send 2,000
 * messages (acks awaited, retried with the same clientId); the API gets SIGKILL at 40 % and is
 * started again on the same port and database; the clients reconnect and catch up.
 */
export async function apiKilled(
  deployment: Deployment,
  timeline: Timeline,
): Promise<ScenarioReport> {
  const started = Date.now();
  const baseUrl = deployment.baseUrl();
  const tag = uniqueTag();
  const users = await registerUsers(baseUrl, tag, 'k', CLIENTS);
  // Client i shares a direct chat with i-1 ("left") and one with i+1 ("right").
  const right: string[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    right[i] = (
      await openDirectChat(baseUrl, itemAt(users, i), itemAt(users, (i + 1) % CLIENTS))
    ).id;
  }
  const left = right.map((_, i) => itemAt(right, (i + CLIENTS - 1) % CLIENTS));
  const allSince = await newestId(baseUrl, users[0], GLOBAL_CHAT_ID);

  const clients = users.map(
    (user, i) =>
      new ChatClient({
        baseUrl,
        user,
        catchUpVia: i % 2 === 0 ? 'socket' : 'rest',
        sendAckTimeoutMs: 3_000,
      }),
  );
  await Promise.all(clients.map((client) => client.connect()));
  clients.forEach((client, i) => {
    client.watch(GLOBAL_CHAT_ID, allSince);
    client.watch(itemAt(left, i), null);
    client.watch(itemAt(right, i), null);
  });
  await Promise.all(clients.map((client) => client.settled()));

  const sent: SentMessage[] = [];
  let acked = 0;
  let ackedAtKill = 0;
  let downMs = 0;
  const pidBefore = deployment.api.pid;
  const fault = (async () => {
    await waitFor('40 % acknowledged', () => acked >= MESSAGES * KILL_AT, SEND_DEADLINE_MS, 5);
    ackedAtKill = acked;
    const killedAt = Date.now();
    timeline.record('api-killed');
    await deployment.api.kill();
    await deployment.api.start();
    downMs = Date.now() - killedAt;
  })();

  const perClient = MESSAGES / CLIENTS;
  const deadline = Date.now() + SEND_DEADLINE_MS;
  const sending = clients.map(async (client, i) => {
    const chats = [GLOBAL_CHAT_ID, itemAt(left, i), itemAt(right, i)];
    for (let k = 0; k < perClient; k++) {
      const record = await client.send(itemAt(chats, k % 3), `${tag} k${i}#${k}`, deadline);
      sent.push(record);
      acked++;
    }
  });
  const sendResults = await Promise.allSettled(sending);
  await fault;
  const sendFailures = sendResults
    .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    .map((result) => String(result.reason));

  // What live delivery and the catch-up after reconnecting showed, before any further catch-up.
  await sleep(1_000);
  const members = (chatId: string) => clients.filter((client) => client.views.has(chatId));
  const senderIds = users.map((user) => user.id);
  const ownRowsEarly = await deployment.storedMessages({ senderIds });
  const beforeFinal = checkAcked(sent, ownRowsEarly, members);

  await Promise.all(clients.map((client) => client.catchUpNow()));
  const chatIds = [GLOBAL_CHAT_ID, ...right];
  const chatRows = rowsByChat(await deployment.storedMessages({ chatIds, afterId: allSince }));
  const ownRows = await deployment.storedMessages({ senderIds });
  const loss = checkAcked(sent, ownRows, members);

  const checks = clients.flatMap((client) =>
    [...client.views.values()].map((view) => checkView(view, chatRows.get(view.chatId) ?? [])),
  );
  const ownIds = new Set(ownRows.map((row) => row.id));
  const delivered = clients.map((client) =>
    sum(
      [...client.views.values()].map((view) => view.shown.filter((m) => ownIds.has(m.id)).length),
    ),
  );
  const ackedIds = new Set(sent.flatMap((record) => (record.message ? [record.message.id] : [])));
  const expected = clients.map((client) =>
    sum(
      [...client.views.values()].map(
        (view) => sent.filter((record) => record.chatId === view.chatId && record.message).length,
      ),
    ),
  );
  const liveCount = sum(clients.flatMap((c) => [...c.views.values()].map((v) => v.viaLive)));
  const catchUpCount = sum(clients.flatMap((c) => [...c.views.values()].map((v) => v.viaCatchUp)));
  const catchUps = clients.flatMap((client) => client.catchUpMs);
  const reconnects = clients.flatMap((client) => client.reconnectMs);
  const retries = (kind: OutcomeKind) =>
    sum(clients.map((client) => client.retries.get(kind) ?? 0));
  const attempts = sum(sent.map((record) => record.attempts.length));
  const missing = sum(checks.map((check) => check.missing));
  const extra = sum(checks.map((check) => check.extra));
  const deliveredOk = delivered.every((count, i) => count === expected[i]);
  clients.forEach((client) => client.close());

  return {
    id: 'api-killed',
    title: 'API killed mid-stream (kill -9, restart on the same port and database)',
    setup:
      `${CLIENTS} Socket.IO clients, each a member of \`all\` and of direct chats with its two ` +
      `ring neighbours (${CLIENTS} direct chats), send ${MESSAGES} messages in turn to \`all\`, ` +
      `left and right, awaiting each ack and retrying with the same clientId on no ack ` +
      `(3 s), \`unavailable\` or a disconnect. At ${KILL_AT * 100} % acknowledged the API gets ` +
      `SIGKILL and is started again; clients reconnect by themselves and catch up every chat ` +
      `from the newest id they show (half over \`chat:history\`, half over GET messages ` +
      `\`after\`), holding live messages back meanwhile and deduplicating by id. Lists are ` +
      `compared with the rows in PostgreSQL.`,
    figures: [
      { name: 'messages sent', value: MESSAGES },
      {
        name: 'send attempts (retries: no ack / unavailable / disconnect / waited offline)',
        value: `${attempts} (${retries('no-ack')} / ${retries('unavailable')} / ${retries('disconnected')} / ${retries('offline')})`,
      },
      promise('acked', ackedIds.size, `= ${MESSAGES}`, ackedIds.size === MESSAGES),
      {
        name: 'killed at',
        value: `${ackedAtKill} acked (${((ackedAtKill / MESSAGES) * 100).toFixed(1)} %)`,
      },
      { name: 'API down (SIGKILL to healthy again)', value: ms(downMs) },
      promise(
        'API restarted (new pid)',
        pidBefore !== deployment.api.pid ? 'yes' : 'no',
        'yes',
        pidBefore !== deployment.api.pid,
      ),
      promise('rows stored', ownRows.length, '= acked', ownRows.length === ackedIds.size),
      promise(
        'delivered per receiver, min / max',
        `${Math.min(...delivered)} / ${Math.max(...delivered)}`,
        `= its chats' acked (${Math.min(...expected)} / ${Math.max(...expected)})`,
        deliveredOk,
      ),
      {
        name: 'shown via live message:new / via catch-up (all senders)',
        value: `${liveCount} / ${catchUpCount}`,
      },
      none(
        'acked but not shown before the final catch-up (live + reconnect catch-up)',
        beforeFinal.notShown,
      ),
      none(
        'lost (acked but missing from the database or any member)',
        loss.notStored + loss.notShown,
      ),
      none('stored rows missing from a list', missing),
      none('listed ids not stored', extra),
      none('duplicated rows', duplicatedRows(ownRows)),
      none('duplicates shown to a client', sum(checks.map((check) => check.duplicatesShown))),
      none('order inversions', sum(checks.map((check) => check.inversions))),
      {
        name: 'ids offered twice (live + catch-up overlap), dropped by id',
        value: sum(clients.flatMap((c) => [...c.views.values()].map((v) => v.redelivered))),
      },
      {
        name: 'reconnect p50 / p95',
        value: `${ms(percentile(reconnects, 50))} / ${ms(percentile(reconnects, 95))}`,
      },
      {
        name: 'catch-up p50 / p95 (session to caught up)',
        value: `${ms(percentile(catchUps, 50))} / ${ms(percentile(catchUps, 95))}`,
      },
      none('send loops that gave up', sendFailures.length),
      { name: 'scenario time', value: seconds(Date.now() - started) },
    ],
    notes: [...sendFailures.slice(0, 3), ...loss.details.slice(0, 5)],
  };
}
