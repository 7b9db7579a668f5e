import type { Chat, Message } from '@chat/shared-types';
import { emitAck, itemAt, type ChatSocket } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import type { Deployment } from '../support/deployment';
import {
  changesPage,
  registerUsers,
  rest,
  restExpect,
  uniqueTag,
  type TestUser,
} from '../support/http';
import { none, promise, type ScenarioReport } from '../support/report';
import { Sessions } from '../support/sessions';
import { ms, seconds, sleep, waitFor } from '../support/timing';

const SENDERS = 6;
/** Sends each sender keeps in flight at once. */
const IN_FLIGHT = 3;
const BURST_BEFORE_MS = 400;
const BURST_AFTER_MS = 1_000;
const ACK_TIMEOUT_MS = 10_000;
const REMOVED_WITHIN_MS = 10_000;
/** How long to keep listening for an event that must not come. */
const QUIET_MS = 1_000;

interface Heard {
  event: string;
  payload: unknown;
  at: number;
}

interface Tab {
  label: string;
  socket: ChatSocket;
  heard: Heard[];
  removedAt: number | null;
}

const big = (value: string) => BigInt(value);

/** The chat id an event is about, if it names one. */
function chatOf(payload: unknown): string | null {
  if (!payload || typeof payload !== 'object') return null;
  const record = payload as { chatId?: unknown; id?: unknown; kind?: unknown };
  if (typeof record.chatId === 'string') return record.chatId;
  // A Chat (chat:updated, chat:created) names itself by id.
  return typeof record.kind === 'string' && typeof record.id === 'string' ? record.id : null;
}

/**
 * A group's admin removes a member through instance B while six senders on both instances
 * write to the group as fast as their acks come back (and react to what they sent). The
 * removed member has two tabs on each instance. Cut: the removal's system message — its id
 * and version are where the removal sits in the group's commit order. No tab of the removed
 * member may receive a message or change at or after the cut, every tab gets `chat:removed`,
 * and from then on REST (both instances) and socket answer `forbidden` for the group. A
 * member who stays, with a tab on each instance, receives every message of the group.
 */
export async function groupRemoval(deployment: Deployment): Promise<ScenarioReport> {
  const started = Date.now();
  const bases = [deployment.baseUrl(0), deployment.baseUrl(1)] as const;
  const [A, B] = bases;
  const tag = uniqueTag();
  const [owner, admin, removed, stays] = await registerUsers(A, tag, 'g', 4);
  const senders = await registerUsers(A, tag, 's', SENDERS);
  const chat = await restExpect<Chat>(A, 'POST', '/api/chats', [201], {
    token: owner.token,
    body: { title: `Race ${tag}`, memberIds: [admin, removed, stays, ...senders].map((u) => u.id) },
  });
  const chatId = chat.id;
  await restExpect<Chat>(A, 'PATCH', `/api/chats/${chatId}/members/${admin.id}`, [200], {
    token: owner.token,
    body: { role: 'admin' },
  });

  const sessions = new Sessions();
  const tab = async (base: string, user: TestUser, label: string): Promise<Tab> => {
    const socket = await sessions.open(base, user);
    const listening: Tab = { label, socket, heard: [], removedAt: null };
    socket.onAny((event: string, payload: unknown) => {
      const at = performance.now();
      listening.heard.push({ event, payload, at });
      if (event === 'chat:removed' && chatOf(payload) === chatId) listening.removedAt ??= at;
    });
    return listening;
  };
  try {
    const removedTabs = [
      await tab(A, removed, 'A1'),
      await tab(A, removed, 'A2'),
      await tab(B, removed, 'B1'),
      await tab(B, removed, 'B2'),
    ];
    const staysTabs = [await tab(A, stays, 'A'), await tab(B, stays, 'B')];
    const senderSockets = await Promise.all(
      senders.map((user, i) => sessions.open(itemAt(bases, i % 2), user)),
    );

    let stop = false;
    const refusedSends: string[] = [];
    const burst = senderSockets.map(async (socket, i) => {
      for (let round = 0; !stop; round++) {
        const acks = await Promise.all(
          Array.from({ length: IN_FLIGHT }, (_, k) =>
            emitAck(
              socket,
              'message:send',
              { chatId, clientId: randomUUID(), content: `${tag} s${i} r${round}.${k}` },
              ACK_TIMEOUT_MS,
            ),
          ),
        );
        for (const ack of acks) if (!ack.ok) refusedSends.push(ack.error.code);
        const mine = acks.find((ack) => ack.ok);
        // A change of a message committed earlier: message:updated with a newer version.
        if (mine?.ok && round % 3 === 0) {
          const reacted = await emitAck(
            socket,
            'reaction:set',
            { chatId, messageId: mine.data.id, emoji: '👍', on: true },
            ACK_TIMEOUT_MS,
          );
          if (!reacted.ok) refusedSends.push(`reaction ${reacted.error.code}`);
        }
      }
    });

    await sleep(BURST_BEFORE_MS);
    const removalSent = performance.now();
    const removal = await rest(B, 'DELETE', `/api/chats/${chatId}/members/${removed.id}`, {
      token: admin.token,
    });
    const removalAcked = performance.now();
    await sleep(BURST_AFTER_MS);
    stop = true;
    await Promise.all(burst);
    await waitFor(
      'chat:removed on every tab of the removed member',
      () => removedTabs.every((t) => t.removedAt !== null),
      REMOVED_WITHIN_MS,
    ).catch(() => undefined);

    // The group's whole timeline in commit order, as a member reads it.
    const timeline: Message[] = [];
    for (let since = '0'; ;) {
      const page = await changesPage(A, owner, chatId, since, 500);
      timeline.push(...page.messages);
      if (!page.hasMore || page.messages.length === 0) break;
      since = page.version;
    }
    const note = timeline.find(
      (m) => m.system?.type === 'removed' && m.system.userIds.includes(removed.id),
    );
    const cutId = note ? big(note.id) : null;
    const cutVersion = note ? big(note.version) : null;
    const sent = timeline.filter((m) => !m.system);
    const before = cutId === null ? [] : sent.filter((m) => big(m.id) < cutId);
    const after = cutId === null ? [] : sent.filter((m) => big(m.id) > cutId);

    // From then on: forbidden on REST (both instances) and on every tab's socket.
    const refusals: string[] = [];
    for (const [label, base] of [
      ['A', A],
      ['B', B],
    ] as const) {
      const history = await rest(base, 'GET', `/api/chats/${chatId}/messages`, {
        token: removed.token,
      });
      refusals.push(`REST ${label} history ${history.status}`);
      const send = await rest(base, 'POST', `/api/chats/${chatId}/messages`, {
        token: removed.token,
        body: { content: `${tag} after removal`, clientId: randomUUID() },
      });
      refusals.push(`REST ${label} send ${send.status}`);
    }
    for (const t of removedTabs) {
      const history = await emitAck(t.socket, 'chat:history', { chatId }, ACK_TIMEOUT_MS);
      refusals.push(`socket ${t.label} history ${history.ok ? 'ok' : history.error.code}`);
      const send = await emitAck(
        t.socket,
        'message:send',
        { chatId, content: `${tag} after removal`, clientId: randomUUID() },
        ACK_TIMEOUT_MS,
      );
      refusals.push(`socket ${t.label} send ${send.ok ? 'ok' : send.error.code}`);
    }
    const notRefused = refusals.filter((r) => !/ (403|forbidden)$/.test(r));
    // Listening on through the refusals: still no event of the group may come.
    await sleep(QUIET_MS);

    // What each tab of the removed member received of the group.
    const perTab = removedTabs.map((t) => {
      const ofGroup = t.heard.filter((h) => chatOf(h.payload) === chatId);
      const messages = ofGroup.filter(
        (h) => h.event === 'message:new' || h.event === 'message:updated',
      );
      const atOrAfterCut = messages.filter((h) => {
        const m = h.payload as Message;
        return cutId === null || cutVersion === null
          ? true
          : big(m.id) >= cutId || big(m.version) >= cutVersion;
      });
      const afterRemoved =
        t.removedAt === null
          ? []
          : ofGroup.filter((h) => h.at > (t.removedAt as number) && h.event !== 'chat:removed');
      const newIds = new Set(
        messages.filter((h) => h.event === 'message:new').map((h) => (h.payload as Message).id),
      );
      const missed = before.filter((m) => !newIds.has(m.id));
      return { t, atOrAfterCut, afterRemoved, missed };
    });
    const instanceOf = new Map(senders.map((user, i) => [user.id, i % 2]));
    const missedVia = (instance: number) =>
      perTab.reduce(
        (n, p) => n + p.missed.filter((m) => instanceOf.get(m.senderId) === instance).length,
        0,
      );

    const staysMissing = staysTabs.map((t) => {
      const ids = new Set(
        t.heard.filter((h) => h.event === 'message:new').map((h) => (h.payload as Message).id),
      );
      return [...sent, ...(note ? [note] : [])].filter((m) => !ids.has(m.id)).length;
    });
    const removedAfter = removedTabs.map((t) =>
      t.removedAt === null ? 'never' : ms(t.removedAt - removalSent),
    );
    const tabsRemoved = removedTabs.filter((t) => t.removedAt !== null).length;

    return {
      id: 'group-removal',
      title: 'A group member removed during a burst, two instances',
      setup: `Two API instances behind one Redis. ${SENDERS} senders (3 on each instance) write to a group of ${4 + SENDERS} as fast as their acks return (${IN_FLIGHT} in flight each), reacting to every third of their messages; after ${BURST_BEFORE_MS} ms an admin removes a member through instance B, and the senders go on for ${BURST_AFTER_MS} ms more. The removed member has two tabs on each instance. The cut is the removal's system message: its id and version place the removal in the group's commit order.`,
      figures: [
        {
          name: 'messages committed before / after the removal',
          value: `${before.length} / ${after.length}`,
        },
        {
          name: 'cut: the removal note',
          value: note ? `id ${note.id}, version ${note.version}` : 'none',
        },
        promise(
          'the race happened: messages committed on both sides of the removal',
          note ? 'yes' : 'no removal note',
          'yes',
          note !== undefined && before.length > 0 && after.length > 0,
        ),
        promise(
          'DELETE member (through B, by an admin)',
          removal.status,
          '204',
          removal.status === 204,
        ),
        { name: 'removal acknowledged after', value: ms(removalAcked - removalSent) },
        promise(
          '`chat:removed` on the removed member’s tabs (2 on A, 2 on B)',
          `${tabsRemoved} of ${removedTabs.length}`,
          'all',
          tabsRemoved === removedTabs.length,
        ),
        {
          name: '`chat:removed` after the DELETE was sent, per tab',
          value: removedAfter.join(', '),
        },
        none(
          'messages and changes at or after the cut received by a removed tab',
          perTab.reduce((n, p) => n + p.atOrAfterCut.length, 0),
        ),
        none(
          'events of the group received by a removed tab after its `chat:removed` (through the refusals too)',
          perTab.reduce((n, p) => n + p.afterRemoved.length, 0),
        ),
        // Not a promise of the contract: a message committed before the removal but still on its
        // way through Redis from the other instance may find the socket gone from the room.
        {
          name: 'messages committed before the cut received live, per removed tab',
          value: perTab
            .map((p) => `${p.t.label} ${before.length - p.missed.length}/${before.length}`)
            .join(', '),
        },
        {
          name: 'of those missed, sent through A / through B',
          value: `${missedVia(0)} / ${missedVia(1)}`,
        },
        promise(
          'then: REST on A and B, socket on each tab (history, send)',
          `${refusals.length - notRefused.length} of ${refusals.length} forbidden`,
          'all',
          notRefused.length === 0,
        ),
        none(
          'messages a member who stays missed (a tab on A and one on B)',
          staysMissing.reduce((n, m) => n + m, 0),
        ),
        none('sends or reactions refused to the senders', refusedSends.length),
        { name: 'scenario time', value: seconds(Date.now() - started) },
      ],
      notes: [
        'Messages committed before the cut are not a promise here, and a tab may miss some: the ' +
          'instance that removes (B) takes its own sockets out of the room at once, while a ' +
          'message committed a moment earlier through A may still be on its way through Redis. ' +
          'Seen in 2 of 6 runs on 2 shared cores (load above 10): 6, then 3 messages missed by ' +
          'each tab on B, all sent through A where that was counted; never by a tab on A. The ' +
          'member cannot fetch them afterwards (forbidden); the contract says nothing of it ' +
          'either way.',
        ...notRefused.map((r) => `not refused: ${r}`),
        ...perTab.flatMap((p) =>
          p.atOrAfterCut.slice(0, 2).map((h) => {
            const m = h.payload as Message;
            return `tab ${p.t.label} received ${h.event} id ${m.id} version ${m.version} (cut: id ${note?.id}, version ${note?.version})`;
          }),
        ),
        ...perTab.flatMap((p) =>
          p.afterRemoved
            .slice(0, 2)
            .map((h) => `tab ${p.t.label} heard ${h.event} after chat:removed`),
        ),
        ...refusedSends.slice(0, 3).map((code) => `a sender was answered ${code}`),
      ],
    };
  } finally {
    sessions.closeAll();
  }
}
