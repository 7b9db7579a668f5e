import { GLOBAL_CHAT_ID, LIMITS } from '@chat/shared-types';
import { itemAt } from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import { ChatClient, type SentMessage } from '../support/chat-client';
import type { Deployment } from '../support/deployment';
import {
  listChats,
  markRead,
  newestId,
  openDirectChat,
  postMessage,
  registerUsers,
  uniqueTag,
  type TestUser,
} from '../support/http';
import { none, promise, type ScenarioReport } from '../support/report';
import { ms, seconds, sleep } from '../support/timing';
import type { Timeline } from '../support/timeline';
import { checkView, rowsByChat } from '../support/verify';

export const OFFLINE_MS = 180_000;
const PEER_INTERVAL_MS = 1_500;
const OTHER_DEVICE_EVERY = 20;

/**
 * A client reads everything, goes offline for 3 minutes (while the other scenarios kill the
 * API and restart PostgreSQL) as two peers keep writing to it and to `all`, and its owner
 * writes from another device. Back online, it must catch up completely, and GET /api/chats
 * must count as unread exactly the messages from others it missed.
 */
/** The contract: exact up to LIMITS.unreadMax, above it any number at least that. */
function unreadCountRight(shown: number | null, missedFromOthers: number): boolean {
  if (shown === null) return false;
  return missedFromOthers <= LIMITS.unreadMax
    ? shown === missedFromOthers
    : shown >= LIMITS.unreadMax;
}

export class LongOffline {
  private stopping = false;
  private readonly peerSent: SentMessage[] = [];
  private otherDevicePosts = 0;
  private otherDeviceFailures = 0;
  private peerLoops: Promise<void>[] = [];

  private constructor(
    private readonly deployment: Deployment,
    private readonly timeline: Timeline,
    private readonly owner: TestUser,
    private readonly client: ChatClient,
    private readonly peers: ChatClient[],
    private readonly chatIds: string[],
    /** Per chat, the newest id the client showed (and marked read) when it went away. */
    private readonly readUpTo: Map<string, string | null>,
    readonly offlineAt: number,
  ) {}

  static async begin(deployment: Deployment, timeline: Timeline): Promise<LongOffline> {
    const baseUrl = deployment.baseUrl();
    const [owner, ...peerUsers] = await registerUsers(baseUrl, uniqueTag(), 'o', 3);
    const direct = [
      (await openDirectChat(baseUrl, owner, peerUsers[0])).id,
      (await openDirectChat(baseUrl, owner, peerUsers[1])).id,
    ];
    const chatIds = [GLOBAL_CHAT_ID, ...direct];
    const client = new ChatClient({ baseUrl, user: owner, catchUpVia: 'rest' });
    await client.connect();
    client.watch(GLOBAL_CHAT_ID, await newestId(baseUrl, owner, GLOBAL_CHAT_ID));
    for (const chatId of direct) client.watch(chatId, null);
    await client.settled();

    // Everything shown is read; what arrives from now on is what it will have missed.
    const readUpTo = new Map<string, string | null>();
    for (const chatId of chatIds) {
      const shown = client.views.get(chatId)?.lastIdText ?? null;
      if (shown !== null) await markRead(baseUrl, owner, chatId, shown);
      readUpTo.set(chatId, shown);
    }
    client.goOffline();
    const offlineAt = Date.now();

    const peers = peerUsers.map((user) => new ChatClient({ baseUrl, user, catchUpVia: 'socket' }));
    await Promise.all(peers.map((peer) => peer.connect()));
    const scenario = new LongOffline(
      deployment,
      timeline,
      owner,
      client,
      peers,
      chatIds,
      readUpTo,
      offlineAt,
    );
    scenario.peerLoops = peers.map((peer, i) => scenario.peerLoop(peer, itemAt(direct, i), i));
    return scenario;
  }

  /** A peer writes to its direct chat with the owner and to `all`, every 1.5 s. */
  private async peerLoop(peer: ChatClient, directChatId: string, index: number): Promise<void> {
    const baseUrl = this.deployment.baseUrl();
    for (let k = 0; !this.stopping; k++) {
      const chatId = k % 2 === 0 ? directChatId : GLOBAL_CHAT_ID;
      this.peerSent.push(await peer.send(chatId, `offline peer${index}#${k}`));
      if (index === 0 && k % OTHER_DEVICE_EVERY === OTHER_DEVICE_EVERY - 1) {
        // The owner writes from another device: caught up, but never unread.
        const answer = await postMessage(
          baseUrl,
          this.owner,
          k % 2 === 0 ? GLOBAL_CHAT_ID : directChatId,
          `offline owner#${k}`,
          randomUUID(),
        ).catch(() => null);
        if (answer?.status === 201) this.otherDevicePosts++;
        else this.otherDeviceFailures++;
      }
      await sleep(PEER_INTERVAL_MS);
    }
  }

  /** Waits out the 3 minutes, brings the client back and checks what it shows. */
  async finish(): Promise<ScenarioReport> {
    const wait = this.offlineAt + OFFLINE_MS - Date.now();
    if (wait > 0) await sleep(wait);
    this.stopping = true;
    const loops = await Promise.allSettled(this.peerLoops);
    this.peers.forEach((peer) => peer.close());

    // The promise is "across an API restart": restart it now if no scenario has.
    if (this.timeline.between(this.offlineAt, Date.now(), 'api-killed').length === 0) {
      this.timeline.record('api-killed');
      await this.deployment.api.kill();
      await this.deployment.api.start();
    }
    const faults = this.timeline.between(this.offlineAt, Date.now());
    const offlineMs = Date.now() - this.offlineAt;
    const backMs = await this.client.comeBack(60_000);
    const catchUpMs = this.client.catchUpMs.at(-1) ?? null;

    const baseUrl = this.deployment.baseUrl();
    const chats = await listChats(baseUrl, this.owner);
    const rows = rowsByChat(
      await this.deployment.storedMessages({
        chatIds: this.chatIds,
        afterId: this.client.views.get(GLOBAL_CHAT_ID)?.sinceId ?? null,
      }),
    );
    const perChat = this.chatIds.map((chatId) => {
      const view = this.client.views.get(chatId);
      if (!view) throw new Error(`no view of ${chatId}`);
      const readId = BigInt(this.readUpTo.get(chatId) ?? '0');
      const missedRows = (rows.get(chatId) ?? []).filter((row) => BigInt(row.id) > readId);
      const fromOthers = missedRows.filter((row) => row.senderId !== this.owner.id).length;
      const caughtUp = view.shown.filter((message) => BigInt(message.id) > readId).length;
      const unread = chats.find((chat) => chat.id === chatId)?.unreadCount ?? null;
      const check = checkView(view, rows.get(chatId) ?? []);
      return {
        chatId,
        missed: missedRows.length,
        fromOthers,
        own: missedRows.length - fromOthers,
        caughtUp,
        unread,
        check,
        complete: caughtUp === missedRows.length && check.missing === 0,
      };
    });
    this.client.close();

    const apiRestarts = faults.filter((fault) => fault.kind === 'api-killed').length;
    const databaseStops = faults.filter((fault) => fault.kind === 'postgres-stopped').length;
    const loopFailures = loops.filter((loop) => loop.status === 'rejected').length;
    const problems = perChat.filter(
      (chat) =>
        !chat.complete ||
        !unreadCountRight(chat.unread, chat.fromOthers) ||
        chat.check.duplicatesShown > 0 ||
        chat.check.inversions > 0,
    );
    const totalMissed = perChat.reduce((total, chat) => total + chat.missed, 0);

    return {
      id: 'long-offline',
      title: 'Long offline: 3 minutes away, across an API restart',
      setup:
        `A client shows and marks read everything in \`all\` and two direct chats, then goes ` +
        `offline for at least ${OFFLINE_MS / 60_000} minutes. Meanwhile its two peers write to ` +
        `it and to \`all\` every ${PEER_INTERVAL_MS / 1000} s, its owner writes now and then ` +
        `from another device (REST), and the other scenarios of this deployment run: the API ` +
        `is killed and restarted, PostgreSQL is restarted, and their messages go to \`all\`. ` +
        `Back online it catches up over GET messages \`after\`; GET /api/chats must then ` +
        `count as unread exactly the missed messages from others (up to ${LIMITS.unreadMax}; ` +
        `above that any count of at least ${LIMITS.unreadMax}, shown as "${LIMITS.unreadMax}+").`,
      figures: [
        promise(
          'offline for',
          seconds(offlineMs),
          `>= ${OFFLINE_MS / 1000} s`,
          offlineMs >= OFFLINE_MS,
        ),
        promise(
          'API restarts / PostgreSQL stops while offline',
          `${apiRestarts} / ${databaseStops}`,
          '>= 1 API restart',
          apiRestarts >= 1,
        ),
        { name: 'messages missed in its 3 chats', value: totalMissed },
        {
          name: 'written from its other device (failed)',
          value: `${this.otherDevicePosts} (${this.otherDeviceFailures})`,
        },
        { name: 'peer messages acked', value: this.peerSent.length },
        promise(
          'chats caught up completely, unread count right',
          `${perChat.length - problems.length} of ${perChat.length}`,
          'all',
          problems.length === 0,
        ),
        none('peer loops that gave up', loopFailures),
        { name: 'back online: reconnect + catch-up', value: ms(backMs) },
        { name: 'catch-up (session to caught up)', value: ms(catchUpMs) },
        { name: 'catch-up pages fetched (all time)', value: this.client.catchUpPages },
      ],
      tables: [
        {
          headers: [
            'chat',
            'missed',
            'from others',
            'own (other device)',
            'caught up',
            'unreadCount',
            'duplicates',
            'inversions',
          ],
          rows: perChat.map((chat) => [
            chat.chatId === GLOBAL_CHAT_ID ? 'all' : `direct ${this.chatIds.indexOf(chat.chatId)}`,
            chat.missed,
            chat.fromOthers,
            chat.own,
            chat.caughtUp,
            chat.unread ?? 'not listed',
            chat.check.duplicatesShown,
            chat.check.inversions,
          ]),
        },
      ],
    };
  }

  /** Stops the peers without a report (when the run is cut short). */
  abort(): void {
    this.stopping = true;
    this.peers.forEach((peer) => peer.close());
    this.client.close();
  }
}
