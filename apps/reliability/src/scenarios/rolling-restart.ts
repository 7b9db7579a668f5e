import { GLOBAL_CHAT_ID } from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
import { Balancer } from '../support/balancer';
import { ChatClient, type OutcomeKind, type SentMessage } from '../support/chat-client';
import type { Deployment } from '../support/deployment';
import { newestId, openDirectChat, registerUsers, uniqueTag } from '../support/http';
import { none, promise, type ScenarioReport } from '../support/report';
import { ms, percentile, seconds, sleep, waitFor } from '../support/timing';
import { checkAcked, checkView, duplicatedRows, rowsByChat, sum } from '../support/verify';

const CLIENTS = 10;
/** Pause between one client's acked send and its next. */
const SEND_GAP_MS = 40;
/** Sending before the first roll, between the rolls and after the last. */
const STEADY_MS = 2_000;
/** Every client must be back (a session on the other instance) within this after a SIGTERM. */
const BACK_WITHIN_MS = 5_000;
/** What the API's SHUTDOWN_TIMEOUT_MS allows by default. */
const EXIT_WITHIN_MS = 10_000;
const SEND_DEADLINE_MS = 90_000;

interface Roll {
  instance: string;
  /** SIGTERM to process exit. */
  exitMs: number;
  exit: string;
  /** SIGTERM to every client in session again. */
  backMs: number;
  /** Clients whose connection the instance closed (they reconnected elsewhere). */
  moved: number;
  /** Restart to healthy. */
  restartMs: number;
}

/**
 * Two instances behind a balancer, under continuous load; instance A gets SIGTERM, is started
 * again, then instance B likewise (a rolling deployment). Each drains: no new connections,
 * sends already read are stored and acked, its sockets' connections closed so clients reconnect
 * through the balancer to the other instance and catch up with `after`.
 */
export async function rollingRestart(deployment: Deployment): Promise<ScenarioReport> {
  const started = Date.now();
  const ports = deployment.apis.map((run) => run.api.options.port);
  const balancer = await Balancer.start(ports);
  const baseUrl = balancer.url;
  const tag = uniqueTag();
  const users = await registerUsers(deployment.baseUrl(0), tag, 'r', CLIENTS);
  const right: string[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const peer = itemAt(users, (i + 1) % CLIENTS);
    right[i] = (await openDirectChat(deployment.baseUrl(0), itemAt(users, i), peer)).id;
  }
  const left = right.map((_, i) => itemAt(right, (i + CLIENTS - 1) % CLIENTS));
  const allSince = await newestId(deployment.baseUrl(0), users[0], GLOBAL_CHAT_ID);

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
  let sending = true;
  const deadline = Date.now() + SEND_DEADLINE_MS;
  const loops = clients.map(async (client, i) => {
    const chats = [GLOBAL_CHAT_ID, itemAt(left, i), itemAt(right, i)];
    for (let k = 0; sending; k++) {
      sent.push(await client.send(itemAt(chats, k % 3), `${tag} r${i}#${k}`, deadline));
      await sleep(SEND_GAP_MS);
    }
  });

  const rolls: Roll[] = [];
  const sessions = () => sum(clients.map((client) => client.sessions));
  await sleep(STEADY_MS);
  for (const [index, name] of ['A', 'B'].entries()) {
    const { api } = itemAt(deployment.apis, index);
    const sessionsBefore = sessions();
    const signalled = Date.now();
    await api.stop();
    const exitMs = Date.now() - signalled;
    // Back: every client that lost its connection has a session again (on the other instance).
    const backMs = await waitFor(
      `every client back after SIGTERM to ${name}`,
      () => clients.every((client) => client.online),
      BACK_WITHIN_MS * 4,
      10,
    )
      .then(() => Date.now() - signalled)
      .catch(() => Number.POSITIVE_INFINITY);
    const exit = api.exitDescription() ?? 'still running';
    const restarted = Date.now();
    await api.start();
    rolls.push({
      instance: name,
      exitMs,
      exit,
      backMs,
      moved: sessions() - sessionsBefore,
      restartMs: Date.now() - restarted,
    });
    await sleep(STEADY_MS);
  }
  sending = false;
  const loopResults = await Promise.allSettled(loops);
  const sendFailures = loopResults
    .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    .map((result) => String(result.reason));

  await Promise.all(clients.map((client) => client.catchUpNow()));
  const members = (chatId: string) => clients.filter((client) => client.views.has(chatId));
  const senderIds = users.map((user) => user.id);
  const ownRows = await deployment.storedMessages({ senderIds });
  const loss = checkAcked(sent, ownRows, members);
  const chatRows = rowsByChat(
    await deployment.storedMessages({ chatIds: [GLOBAL_CHAT_ID, ...right], afterId: allSince }),
  );
  const checks = clients.flatMap((client) =>
    [...client.views.values()].map((view) => checkView(view, chatRows.get(view.chatId) ?? [])),
  );
  const acked = sent.filter((record) => record.message).length;
  const retries = (kind: OutcomeKind) =>
    sum(clients.map((client) => client.retries.get(kind) ?? 0));
  const reconnects = clients.flatMap((client) => client.reconnectMs);
  const cleanExits = rolls.filter((roll) => /code 0\b/.test(roll.exit)).length;
  const slowestExit = Math.max(...rolls.map((roll) => roll.exitMs));
  const slowestBack = Math.max(...rolls.map((roll) => roll.backMs));
  clients.forEach((client) => client.close());
  await balancer.close();

  return {
    id: 'rolling-restart',
    title: 'Rolling restart: SIGTERM to each of two instances under load',
    setup:
      `Two API instances (one database, one Redis) behind a TCP balancer that sends each new ` +
      `connection to the next instance that accepts it. ${CLIENTS} clients, each in \`all\` and ` +
      `in direct chats with its two ring neighbours, send continuously (ack awaited, then ` +
      `${SEND_GAP_MS} ms; retried with the same clientId on \`unavailable\`, no ack or a ` +
      `disconnect). Instance A gets SIGTERM and is started again once it has exited, then B ` +
      `likewise. A draining instance refuses new connections and sends (\`unavailable\`), ` +
      `stores and acks what it had read, and closes its sockets' connections so clients ` +
      `reconnect through the balancer and catch up with \`after\`.`,
    figures: [
      { name: 'messages acked', value: acked },
      {
        name: 'retries (unavailable / no ack / disconnect / waited offline)',
        value: `${retries('unavailable')} / ${retries('no-ack')} / ${retries('disconnected')} / ${retries('offline')}`,
      },
      promise('SIGTERMed instances that exited with code 0', cleanExits, '= 2', cleanExits === 2),
      promise(
        'slowest SIGTERM to exit',
        ms(slowestExit),
        `< ${ms(EXIT_WITHIN_MS)}`,
        slowestExit < EXIT_WITHIN_MS,
      ),
      promise(
        'slowest SIGTERM to every client in session again',
        ms(slowestBack),
        `< ${ms(BACK_WITHIN_MS)}`,
        slowestBack < BACK_WITHIN_MS,
      ),
      {
        name: 'reconnect p50 / p95 / max (disconnect to session)',
        value: `${ms(percentile(reconnects, 50))} / ${ms(percentile(reconnects, 95))} / ${ms(reconnects.length ? Math.max(...reconnects) : null)}`,
      },
      none(
        'lost (acked but missing from the database or any member)',
        loss.notStored + loss.notShown,
      ),
      none('duplicated rows', duplicatedRows(ownRows)),
      none('duplicates shown to a client', sum(checks.map((check) => check.duplicatesShown))),
      none('stored rows missing from a list', sum(checks.map((check) => check.missing))),
      none('send loops that gave up', sendFailures.length),
      { name: 'scenario time', value: seconds(Date.now() - started) },
    ],
    tables: [
      {
        headers: [
          'instance',
          'SIGTERM to exit',
          'exit',
          'clients moved',
          'all back after',
          'restart',
        ],
        rows: rolls.map((roll) => [
          roll.instance,
          ms(roll.exitMs),
          roll.exit,
          roll.moved,
          Number.isFinite(roll.backMs) ? ms(roll.backMs) : 'NOT BACK',
          ms(roll.restartMs),
        ]),
      },
    ],
    notes: [...sendFailures.slice(0, 3), ...loss.details.slice(0, 5)],
  };
}
