import { GLOBAL_CHAT_ID, type Message } from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
import {
  ChatClient,
  type ChangeRecord,
  type ChangeRequest,
  type ChatView,
  type OutcomeKind,
  type SentMessage,
} from '../support/chat-client';
import type { Deployment } from '../support/deployment';
import { listChats, newestId, openDirectChat, registerUsers, uniqueTag } from '../support/http';
import { none, promise, type ScenarioReport } from '../support/report';
import { ms, percentile, seconds, sleep, waitFor } from '../support/timing';
import type { Timeline } from '../support/timeline';
import {
  checkAcked,
  checkAckedChanges,
  checkStates,
  checkView,
  duplicatedRows,
  rowsByChat,
  sum,
} from '../support/verify';

const CLIENTS = 20;
const MESSAGES = 2_000;
const KILL_AT = 0.4;
const SEND_DEADLINE_MS = 120_000;
const EMOJI = ['👍', '❤️', '😂', '🎉', '🇺🇦'];

/** The index k of `<tag> k<i>#<k>` (edits keep it), to tell deletion targets apart. */
const indexOf = (message: Message) => Number(/#(\d+)/.exec(message.content)?.[1] ?? -1);
/** Every tenth message, sent at k ≡ 6 (mod 10), is deleted by its sender at k + 3. */
const doomed = (k: number) => k % 10 === 6;

/**
 * What client `me` changes after sending its k-th message (`mine`: its messages so far, by k):
 * an edit of message k-3 at k ≡ 4 (mod 10) and a second one of k-6 at k ≡ 7 (mod 20); a
 * deletion of k-3 at k ≡ 9 (mod 10); a reaction set at k ≡ 2 (mod 10) on the newest message of
 * the chat it shows from someone else (never a doomed one, so it is never refused); the oldest
 * of its reactions cleared at k ≡ 17 (mod 20).
 */
function changesAfter(
  k: number,
  me: { id: string; index: number },
  mine: Message[],
  view: ChatView | undefined,
  reactions: Extract<ChangeRequest, { kind: 'reaction:set' }>[],
): ChangeRequest[] {
  const requests: ChangeRequest[] = [];
  const own = (j: number) => mine[j];
  const edited = own(k - 3);
  if (k % 10 === 4 && edited) {
    const { chatId, id: messageId, content } = edited;
    requests.push({ kind: 'message:edit', chatId, messageId, content: `${content} (edited)` });
  }
  const twice = own(k - 6);
  if (k % 20 === 7 && twice) {
    const { chatId, id: messageId, content } = twice;
    requests.push({
      kind: 'message:edit',
      chatId,
      messageId,
      content: `${content} (edited twice)`,
    });
  }
  const gone = own(k - 3);
  if (k % 10 === 9 && gone && doomed(k - 3)) {
    requests.push({ kind: 'message:delete', chatId: gone.chatId, messageId: gone.id });
  }
  if (k % 10 === 2 && view) {
    const target = [...view.shown]
      .reverse()
      .find((m) => m.senderId !== me.id && !m.deleted && !doomed(indexOf(m)));
    if (target) {
      const emoji = itemAt(EMOJI, (me.index + k) % EMOJI.length);
      const request = {
        kind: 'reaction:set' as const,
        chatId: target.chatId,
        messageId: target.id,
        emoji,
        on: true,
      };
      if (!reactions.some((r) => r.messageId === target.id && r.emoji === emoji)) {
        reactions.push(request);
      }
      requests.push(request);
    }
  }
  const clear = k % 20 === 17 ? reactions.shift() : undefined;
  if (clear) requests.push({ ...clear, on: false });
  return requests;
}

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
  // Each chat's version first, then the newest id: whatever comes between is in both windows.
  const versions = await Promise.all(
    users.map(
      async (user) => new Map((await listChats(baseUrl, user)).map((c) => [c.id, c.version])),
    ),
  );
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
  /** Where each view began following changes: the chat's version when it was opened. */
  const changesFrom = new Map<ChatView, bigint>();
  clients.forEach((client, i) => {
    const version = (chatId: string) => itemAt(versions, i).get(chatId) ?? '0';
    for (const [chatId, since] of [
      [GLOBAL_CHAT_ID, allSince],
      [itemAt(left, i), null],
      [itemAt(right, i), null],
    ] as const) {
      const view = client.watch(chatId, since, version(chatId));
      changesFrom.set(view, BigInt(version(chatId)));
    }
  });
  await Promise.all(clients.map((client) => client.settled()));

  const sent: SentMessage[] = [];
  const changes: ChangeRecord[] = [];
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
    const mine: Message[] = [];
    const reactions: Extract<ChangeRequest, { kind: 'reaction:set' }>[] = [];
    for (let k = 0; k < perClient; k++) {
      const chatId = itemAt(chats, k % 3);
      const record = await client.send(chatId, `${tag} k${i}#${k}`, deadline);
      sent.push(record);
      acked++;
      if (record.message) mine[k] = record.message;
      const me = { id: client.user.id, index: i };
      for (const request of changesAfter(k, me, mine, client.views.get(chatId), reactions)) {
        changes.push(await client.change(request, deadline));
      }
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
  const changed = new Set(
    changes.flatMap(({ request, message }) =>
      message && request.kind !== 'reaction:set' ? [request.messageId] : [],
    ),
  );
  const ownRowsEarly = await deployment.storedMessages({ senderIds });
  const beforeFinal = checkAcked(sent, ownRowsEarly, members, changed);

  await Promise.all(clients.map((client) => client.catchUpNow()));
  const chatIds = [GLOBAL_CHAT_ID, ...right];
  const chatRows = rowsByChat(await deployment.storedMessages({ chatIds, afterId: allSince }));
  // At once: the long-offline scenario's peers may still be sending to `all`.
  const checks = clients.flatMap((client) =>
    [...client.views.values()].map((view) => checkView(view, chatRows.get(view.chatId) ?? [])),
  );
  const ownRows = await deployment.storedMessages({ senderIds });
  const loss = checkAcked(sent, ownRows, members, changed);
  const states = await deployment.storedStates(chatIds, allSince);
  const changeLoss = checkAckedChanges(changes, states);
  const stateChecks = clients.flatMap((client) =>
    [...client.views.values()].map((view) =>
      checkStates(view, states, changesFrom.get(view) ?? 0n, new Set(senderIds)),
    ),
  );
  const views = clients.flatMap((client) => [...client.views.values()]);
  const changeCount = (kind: ChangeRequest['kind'], on?: boolean) =>
    changes.filter(
      ({ request, message }) =>
        message &&
        request.kind === kind &&
        (on === undefined || (request.kind === 'reaction:set' && request.on === on)),
    ).length;
  const changesAcked = changes.filter((record) => record.message).length;

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
      `(3 s), \`unavailable\` or a disconnect. Between sends they also edit their own ` +
      `messages (some twice), delete every tenth, and set and clear reactions on others' ` +
      `(\`message:edit\`, \`message:delete\`, \`reaction:set\`, retried the same way). At ` +
      `${KILL_AT * 100} % of messages acknowledged the API gets ` +
      `SIGKILL and is started again; clients reconnect by themselves and catch up every chat ` +
      `from the newest id they show (half over \`chat:history\`, half over GET messages ` +
      `\`after\`), then page \`changes\` (\`chat:changes\` or GET changes) from the version ` +
      `their last catch-up reached, for the chats whose \`Chat.version\` (GET /api/chats) moved; ` +
      `live \`message:new\` and \`message:updated\` are held back meanwhile, deduplicated by ` +
      `id and applied only when newer by version. Lists and every message's state (content, ` +
      `deleted, reactions with their users in order, editedAt, version) are compared with ` +
      `PostgreSQL's tables.`,
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
      {
        name: 'changes acked: edits / deletions / reactions set / cleared',
        value: `${changeCount('message:edit')} / ${changeCount('message:delete')} / ${changeCount('reaction:set', true)} / ${changeCount('reaction:set', false)}`,
      },
      promise(
        'changes acked',
        changesAcked,
        `= asked (${changes.length})`,
        changesAcked === changes.length && changes.length > 0,
      ),
      {
        name: 'change attempts (all retries are in the send row above)',
        value: sum(changes.map((record) => record.attempts.length)),
      },
      none('acked changes missing from the database', changeLoss.notStored),
      none(
        'messages a client shows otherwise than stored (content, deleted, reactions, editedAt, version)',
        sum(stateChecks.map((check) => check.differing)),
      ),
      none(
        'changes missed by the changes pages (stored version never paged)',
        sum(stateChecks.map((check) => check.missedByChanges)),
      ),
      none(
        'changes paged twice (at or below the cursor, or an id and version given before)',
        sum(views.map((view) => view.changesTwice)),
      ),
      {
        name: 'message:updated applied live / dropped as not newer / of a message not shown yet',
        value: `${sum(views.map((v) => v.updatedLive))} / ${sum(views.map((v) => v.staleDropped))} / ${sum(views.map((v) => v.updatesOfUnknown))}`,
      },
      {
        name: 'changes catch-ups: pages / states paged / skipped (version had not moved)',
        value: `${sum(clients.map((c) => c.changesPages))} / ${sum(views.map((v) => v.changesSeen))} / ${sum(views.map((v) => v.changesSkipped))}`,
      },
      none('send loops that gave up', sendFailures.length),
      { name: 'scenario time', value: seconds(Date.now() - started) },
    ],
    notes: [
      ...sendFailures.slice(0, 3),
      ...loss.details.slice(0, 5),
      ...changeLoss.details.slice(0, 5),
      ...stateChecks.flatMap((check) => check.details).slice(0, 5),
    ],
  };
}
