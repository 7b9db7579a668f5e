import {
  GLOBAL_CHAT_ID,
  directChatId,
  type Ack,
  type Chat,
  type Empty,
  type Message,
  type User,
} from '@chat/shared-types';
import {
  disconnection,
  emitAck,
  nextEvent,
  recordEvents,
  type ChatSocket,
} from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import type { Deployment } from '../support/deployment';
import {
  openDirectChat,
  registerUsers,
  rest,
  restExpect,
  uniqueTag,
  type TestUser,
} from '../support/http';
import { promise, type ScenarioReport } from '../support/report';
import { Sessions } from '../support/sessions';
import { seconds, sleep, waitFor } from '../support/timing';

const ACK_TIMEOUT_MS = 5_000;
const EVENT_TIMEOUT_MS = 3_000;
/** How long to watch for an event that must not come. */
const QUIET_MS = 1_000;
const BURST = 10;

interface Flow {
  name: string;
  route: string;
  run: () => Promise<string>;
}

interface FlowResult {
  name: string;
  route: string;
  ok: boolean;
  detail: string;
  ms: number;
}

/**
 * Two API instances share the database, Redis and JWT secret; clients are spread over both.
 * Every contract flow must cross from one instance to the other: message delivery, a new chat
 * (`chat:created` and the room joined on the other instance), read receipts, typing, presence
 * counted across instances, and logout closing a socket held by the other instance.
 */
export async function twoInstances(deployment: Deployment): Promise<ScenarioReport> {
  const started = Date.now();
  const A = deployment.baseUrl(0);
  const B = deployment.baseUrl(1);
  const tag = uniqueTag();
  const u = await registerUsers(A, tag, 'm', 6);
  const sessions = new Sessions();

  const flows: Flow[] = [];
  const dm01 = directChatId(u[0].id, u[1].id);
  const dm23 = directChatId(u[2].id, u[3].id);
  let lastIn23 = '';

  flows.push({
    name: `message:new in \`all\` and a direct chat (${BURST} messages per sender)`,
    route: 'A <-> B',
    run: async () => {
      await openDirectChat(A, u[0], u[1]);
      const senders = [
        { user: u[0], socket: await sessions.open(A, u[0]), on: 'A' },
        { user: u[1], socket: await sessions.open(B, u[1]), on: 'B' },
        { user: u[2], socket: await sessions.open(A, u[2]), on: 'A' },
        { user: u[3], socket: await sessions.open(B, u[3]), on: 'B' },
      ];
      const u0OnB = await sessions.open(B, u[0]);
      const receivers = [
        ...senders.map((s) => ({ label: `${s.user.login}@${s.on}`, socket: s.socket })),
        {
          label: `${u[0].login}@B`,
          socket: u0OnB,
        },
      ];
      const inbox = receivers.map((r) => ({ ...r, got: recordEvents(r.socket, 'message:new') }));
      const sentIds: { chatId: string; id: string }[] = [];
      await Promise.all(
        senders.map(async (sender, i) => {
          for (let k = 0; k < BURST; k++) {
            const chatId = i < 2 && k % 2 === 1 ? dm01 : GLOBAL_CHAT_ID;
            const ack = await sendOnce(sender.socket, chatId, `${tag} m${i}#${k}`);
            sentIds.push({ chatId, id: ack.id });
          }
        }),
      );
      const expectedFor = (label: string) =>
        sentIds.filter(
          (s) =>
            s.chatId === GLOBAL_CHAT_ID ||
            label.startsWith(`${u[0].login}@`) ||
            label.startsWith(`${u[1].login}@`),
        );
      const missingOf = () =>
        inbox.map((r) => {
          const ids = new Set(r.got.events.map((m: Message) => m.id));
          return {
            label: r.label,
            missing: expectedFor(r.label).filter((s) => !ids.has(s.id)).length,
          };
        });
      await waitFor(
        'every socket received every message',
        () => missingOf().every((r) => r.missing === 0),
        EVENT_TIMEOUT_MS,
      ).catch(() => undefined);
      const missing = missingOf().filter((r) => r.missing > 0);
      inbox.forEach((r) => r.got.stop());
      if (missing.length > 0) {
        throw new Error(
          `missing live: ${missing.map((r) => `${r.label} ${r.missing}`).join(', ')} of ${sentIds.length} sent`,
        );
      }
      return `${sentIds.length} sent from both instances; all ${receivers.length} sockets got every message of their chats`;
    },
  });

  let u2A: ChatSocket;
  let u3B: ChatSocket;
  flows.push({
    name: 'chat:create: `chat:created` to the peer, whose socket joins the new room',
    route: 'A -> B',
    run: async () => {
      u2A = await sessions.open(A, u[2]);
      u3B = await sessions.open(B, u[3]);
      const created = nextEvent(u3B, 'chat:created', EVENT_TIMEOUT_MS, (chat) => chat.id === dm23);
      const ownCreated = nextEvent(u2A, 'chat:created', EVENT_TIMEOUT_MS, (c) => c.id === dm23);
      const ack = (await u2A
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('chat:create', { peerId: u[3].id })) as Ack<Chat>;
      if (!ack.ok) throw new Error(`chat:create answered ${ack.error.code}`);
      const chat = await created;
      await ownCreated;
      if (chat.title !== u[2].fullName) throw new Error(`titled ${chat.title} for the peer`);
      const there = nextEvent(u3B, 'message:new', EVENT_TIMEOUT_MS, (m) => m.chatId === dm23);
      await sendOnce(u2A, dm23, `${tag} into the new chat`);
      await there;
      const back = nextEvent(u2A, 'message:new', EVENT_TIMEOUT_MS, (m) => m.chatId === dm23);
      lastIn23 = (await sendOnce(u3B, dm23, `${tag} and back`)).id;
      await back;
      return 'peer got chat:created titled with the creator; messages flow both ways in the new room';
    },
  });

  flows.push({
    name: "chat:read: read receipt to the peer and to the reader's other device",
    route: 'B -> A',
    run: async () => {
      const u3A = await sessions.open(A, u[3]);
      const matches = (e: { chatId: string; userId: string; upToId: string }) =>
        e.chatId === dm23 && e.userId === u[3].id && e.upToId === lastIn23;
      const peer = nextEvent(u2A, 'chat:read', EVENT_TIMEOUT_MS, matches);
      const otherDevice = nextEvent(u3A, 'chat:read', EVENT_TIMEOUT_MS, matches);
      const ack = (await u3B
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('chat:read', { chatId: dm23, upToId: lastIn23 })) as Ack<Empty>;
      if (!ack.ok) throw new Error(`chat:read answered ${ack.error.code}`);
      await peer;
      await otherDevice;
      return "the writer (on A) and the reader's socket on A both got { chatId, userId, upToId }";
    },
  });

  flows.push({
    name: "typing: to the chat's other member",
    route: 'A -> B',
    run: async () => {
      const typing = nextEvent(
        u3B,
        'typing',
        EVENT_TIMEOUT_MS,
        (e) => e.chatId === dm23 && e.userId === u[2].id && e.isTyping,
      );
      const ack = (await u2A
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('typing', { chatId: dm23, isTyping: true })) as Ack<Empty>;
      if (!ack.ok) throw new Error(`typing answered ${ack.error.code}`);
      await typing;
      return 'the peer on B got { chatId, userId, isTyping: true }';
    },
  });

  flows.push({
    name: 'presence: online on either instance, offline only when the last socket closes',
    route: 'B -> A',
    run: async () => {
      const watcher = u2A;
      const isU4 = (online: boolean) => (e: { userId: string; online: boolean }) =>
        e.userId === u[4].id && e.online === online;
      // u2 shares only All with u4: it hears u4's presence by watching them (contract "Size").
      const watched = await emitAck(watcher, 'presence:watch', { userIds: [u[4].id] });
      if (!watched.ok) throw new Error(`presence:watch answered ${watched.error.code}`);
      const cameOnline = nextEvent(watcher, 'presence', EVENT_TIMEOUT_MS, isU4(true));
      const onB = await sessions.open(B, u[4]);
      await cameOnline;
      const onA = await sessions.open(A, u[4]);
      const offlineEvents = recordEvents(watcher, 'presence');
      onB.disconnect();
      await sleep(QUIET_MS);
      offlineEvents.stop();
      if (offlineEvents.events.some(isU4(false))) {
        throw new Error('announced offline while a socket on A was still open');
      }
      if (!(await listedOnline(B, u[2], u[4]))) {
        throw new Error('GET /api/users on B lists them offline while their socket on A is open');
      }
      const wentOffline = nextEvent(watcher, 'presence', EVENT_TIMEOUT_MS, isU4(false));
      onA.disconnect();
      await wentOffline;
      if (await listedOnline(B, u[2], u[4])) {
        throw new Error(
          'GET /api/users on B still lists them online after their last socket closed',
        );
      }
      return 'online from B seen on A; closing B kept them online (GET /api/users on B agrees); closing A: offline';
    },
  });

  flows.push({
    name: 'logout: the socket on the other instance is closed, the token refused',
    route: 'A -> B',
    run: async () => {
      const socket = await sessions.open(B, u[5]);
      const closed = disconnection(socket, EVENT_TIMEOUT_MS);
      await restExpect(A, 'POST', '/api/auth/logout', [204], { token: u[5].token });
      const reason = await closed;
      const me = await rest(B, 'GET', '/api/users/me', { token: u[5].token });
      if (me.status !== 401) throw new Error(`GET /api/users/me on B answered ${me.status}`);
      return `socket on B closed (${reason}); B answers 401 to the token`;
    },
  });

  const results: FlowResult[] = [];
  for (const flow of flows) {
    const flowStarted = Date.now();
    try {
      const detail = await flow.run();
      results.push({ ...flow, ok: true, detail, ms: Date.now() - flowStarted });
    } catch (error) {
      results.push({
        ...flow,
        ok: false,
        detail: (error as Error).message,
        ms: Date.now() - flowStarted,
      });
    }
  }
  sessions.closeAll();
  const failed = results.filter((result) => !result.ok);

  return {
    id: 'two-instances',
    title: 'Two API instances: every flow crosses instances',
    setup:
      `Two API processes on different ports share one PostgreSQL database, one Redis ` +
      `(REDIS_URL) and one JWT_SECRET. Each flow is started by a client of one instance and ` +
      `observed by clients of the other, without any catch-up: what is checked is live ` +
      `delivery through the Socket.IO Redis adapter and presence kept in Redis.`,
    figures: [
      promise(
        'flows that crossed instances',
        `${results.length - failed.length} of ${results.length}`,
        'all',
        failed.length === 0,
      ),
      { name: 'scenario time', value: seconds(Date.now() - started) },
    ],
    tables: [
      {
        headers: ['flow', 'route', 'result', 'time', 'detail'],
        rows: results.map((result) => [
          result.name,
          result.route,
          result.ok ? 'ok' : 'FAILED',
          `${result.ms} ms`,
          result.detail,
        ]),
      },
    ],
  };
}

async function sendOnce(socket: ChatSocket, chatId: string, content: string): Promise<Message> {
  const ack = (await socket
    .timeout(ACK_TIMEOUT_MS)
    .emitWithAck('message:send', { chatId, content, clientId: randomUUID() })) as Ack<Message>;
  if (!ack.ok) throw new Error(`message:send answered ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

async function listedOnline(baseUrl: string, viewer: TestUser, user: TestUser): Promise<boolean> {
  const users = await restExpect<User[]>(
    baseUrl,
    'GET',
    `/api/users?search=${encodeURIComponent(user.login)}`,
    [200],
    { token: viewer.token },
  );
  const listed = users.find((candidate) => candidate.id === user.id);
  if (!listed) throw new Error(`GET /api/users?search=${user.login} does not list them`);
  return listed.online;
}
