import { LIMITS, type PresenceEvent } from '@chat/shared-types';
import {
  ackData,
  connectSession as connectSessionAt,
  emitAck,
  emitRaw,
  nextEvent,
  recordEvents,
  sleep,
  waitFor,
} from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { E2E_LIMITS } from '../support/e2e-state';
import { baseUrl } from '../support/http';
import { QUIET_MS, closeSocket, connectSocket } from '../support/sockets';
import { TwoInstances } from '../support/two-instances';
import { openDirectChat, registerUsers } from '../support/users';

const about =
  (user: { id: string }, online?: boolean) =>
  (event: PresenceEvent): boolean =>
    event.userId === user.id && (online === undefined || event.online === online);

/** Presence goes to contacts and watchers only (contract "Size", **changed**). */
describe('presence scoping', () => {
  it('is not heard by someone who shares only All, and is heard by a direct-chat peer', async () => {
    const [a, peer, stranger] = await registerUsers(3);
    await openDirectChat(a, peer);
    const [peerTab, strangerTab] = await Promise.all([
      connectSocket(peer.token),
      connectSocket(stranger.token),
    ]);
    const strangerHears = recordEvents(strangerTab, 'presence');
    const peerHears = nextEvent(peerTab, 'presence', 3_000, about(a, true));
    await connectSocket(a.token);
    await peerHears;
    await sleep(QUIET_MS);
    expect(strangerHears.events.filter(about(a))).toEqual([]);
  });

  it('is heard by the members of a group the user is in, and not by someone left out of it', async () => {
    const [a, member, outsider] = await registerUsers(3);
    const created = await request(baseUrl())
      .post('/api/chats')
      .set('Authorization', `Bearer ${a.token}`)
      .send({ title: 'Night shift', memberIds: [member.id] });
    expect(created.status).toBe(201);
    const [memberTab, outsiderTab] = await Promise.all([
      connectSocket(member.token),
      connectSocket(outsider.token),
    ]);
    const outsiderHears = recordEvents(outsiderTab, 'presence');
    const online = nextEvent(memberTab, 'presence', 3_000, about(a, true));
    const aTab = await connectSocket(a.token);
    await online;
    const offline = nextEvent(memberTab, 'presence', 3_000, about(a, false));
    closeSocket(aTab);
    await offline;
    await sleep(QUIET_MS);
    expect(outsiderHears.events.filter(about(a))).toEqual([]);
  });

  it('presence:watch acks who is online now and from then on delivers their changes', async () => {
    const [a, b, watcher] = await registerUsers(3);
    const aTab = await connectSocket(a.token);
    const watcherTab = await connectSocket(watcher.token);

    const ack = await emitAck(watcherTab, 'presence:watch', { userIds: [a.id, b.id] });
    expect(ackData(ack)).toEqual({ online: [a.id] });

    const bOnline = nextEvent(watcherTab, 'presence', 3_000, about(b, true));
    const bTab = await connectSocket(b.token);
    expect(await bOnline).toEqual({ userId: b.id, online: true });
    const aOffline = nextEvent(watcherTab, 'presence', 3_000, about(a, false));
    closeSocket(aTab);
    expect(await aOffline).toEqual({ userId: a.id, online: false });

    // A new list replaces the old one: b is no longer watched, a is again.
    expect(ackData(await emitAck(watcherTab, 'presence:watch', { userIds: [a.id] }))).toEqual({
      online: [],
    });
    const heard = recordEvents(watcherTab, 'presence');
    closeSocket(bTab);
    const aBack = nextEvent(watcherTab, 'presence', 3_000, about(a, true));
    await connectSocket(a.token);
    await aBack;
    await sleep(E2E_LIMITS.presenceGraceMs + QUIET_MS);
    expect(heard.events.filter(about(b))).toEqual([]);
  });

  it('keeps a direct-chat peer heard when the watch list drops them', async () => {
    const [a, peer] = await registerUsers(2);
    await openDirectChat(a, peer);
    const peerTab = await connectSocket(peer.token);
    ackData(await emitAck(peerTab, 'presence:watch', { userIds: [a.id] }));
    ackData(await emitAck(peerTab, 'presence:watch', { userIds: [] }));
    const online = nextEvent(peerTab, 'presence', 3_000, about(a, true));
    await connectSocket(a.token);
    await online;
  });

  it('hears a peer of a chat created after the socket connected', async () => {
    const [a, b] = await registerUsers(2);
    const bTab = await connectSocket(b.token);
    await openDirectChat(a, b);
    const online = nextEvent(bTab, 'presence', 3_000, about(a, true));
    await connectSocket(a.token);
    await online;
  });

  it('gives a batched watcher one presence:batch with only the users it hears', async () => {
    const [a, watched, other] = await registerUsers(3);
    await openDirectChat(a, watched);
    const { socket: watcherTab } = await connectSessionAt(baseUrl(), a.token, 3_000, 'batched');
    const batches = recordEvents(watcherTab, 'presence:batch');
    await Promise.all([connectSocket(watched.token), connectSocket(other.token)]);
    await waitFor('a batch naming the peer', () => batches.events.length > 0, 3_000, 20);
    await sleep(QUIET_MS);
    expect(batches.events.flatMap((batch) => batch.changes)).toEqual([
      { userId: watched.id, online: true },
    ]);
    watcherTab.close();
  });

  it.each<[string, unknown]>([
    [
      `${LIMITS.presenceWatchMax + 1} ids`,
      { userIds: Array.from({ length: 501 }, () => randomUUID()) },
    ],
    ['ids that are not user ids', { userIds: ['nope'] }],
    ['a list that is not an array', { userIds: 'all' }],
    ['no list', {}],
    ['a payload that is not an object', 'hello'],
  ])('answers invalid for %s and keeps the socket and the old list', async (_case, payload) => {
    const [watcher, a] = await registerUsers(2);
    const socket = await connectSocket(watcher.token);
    ackData(await emitAck(socket, 'presence:watch', { userIds: [a.id] }));
    expect(await emitRaw(socket, 'presence:watch', payload)).toEqual({
      ok: false,
      error: { code: 'invalid', message: expect.any(String) },
    });
    const online = nextEvent(socket, 'presence', 3_000, about(a, true));
    await connectSocket(a.token);
    await online;
  });

  it('takes exactly 500 ids', async () => {
    const [watcher] = await registerUsers(1);
    const socket = await connectSocket(watcher.token);
    const userIds = Array.from({ length: LIMITS.presenceWatchMax }, () => randomUUID());
    expect(ackData(await emitAck(socket, 'presence:watch', { userIds }))).toEqual({ online: [] });
  });
});

/** Two instances of one deployment: a database and a Redis of this suite's own. */
describe('presence:watch across two instances behind Redis', () => {
  const pair = TwoInstances.forSpec('api-e2e-presence', {
    PRESENCE_GRACE_MS: String(E2E_LIMITS.presenceGraceMs),
  });

  it('delivers a watched user’s changes made on the other instance, in both presence modes', async () => {
    const [onA, onB] = pair.runs;
    const [watched, watcher] = [await pair.register(onA), await pair.register(onA)];
    const each = await pair.connect(onA, watcher);
    const batched = await pair.connect(onA, watcher, 'batched');
    for (const socket of [each, batched]) {
      ackData(await emitAck(socket, 'presence:watch', { userIds: [watched.id] }));
    }
    const heardEach = nextEvent(each, 'presence', 5_000, about(watched, true));
    const heardBatch = nextEvent(batched, 'presence:batch', 5_000, (batch) =>
      batch.changes.some(about(watched, true)),
    );
    const tab = await pair.connect(onB, watched);
    await Promise.all([heardEach, heardBatch]);

    const offline = nextEvent(each, 'presence', 5_000, about(watched, false));
    tab.close();
    await offline;
  });
});
