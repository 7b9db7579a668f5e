import { nextEvent, receives, recordEvents, waitFor } from '@chat/test-harness';
import { ChatsService } from '../chats/chats.service';
import { PresenceService } from '../presence/presence.service';
import { TestApp } from '../testing/test-app';
import { PresenceTracker } from './presence-tracker';

/** TestApp runs with PRESENCE_GRACE_MS=300. */
const GRACE_MS = 300;

describe('PresenceTracker', () => {
  const t = TestApp.forSpec();

  /** Ann hears Bob's presence: they share a direct chat (presence goes to contacts only). */
  async function watcherAndBob() {
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    await t.get(ChatsService).createDirect(ann.user.id, bob.user.id);
    const watcher = await t.connect(ann.accessToken);
    return { watcher, bob };
  }

  it("announces a user online at their first socket and offline after their last one's grace period", async () => {
    const { watcher, bob } = await watcherAndBob();
    const heard = recordEvents(watcher, 'presence');
    const tab1 = await t.connect(bob.accessToken);
    const tab2 = await t.connect(bob.accessToken);
    tab1.close();
    // Offline comes only after the grace period, counted from the last socket's close.
    const offline = nextEvent(watcher, 'presence', 3000, (e) => !e.online);
    tab2.close();
    const closedAt = Date.now();
    await offline;

    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 20);
    expect(heard.events.filter((e) => e.userId === bob.user.id)).toEqual([
      { userId: bob.user.id, online: true },
      { userId: bob.user.id, online: false },
    ]);
  });

  it('tells peers nothing when a user reconnects within the grace period', async () => {
    const { watcher, bob } = await watcherAndBob();
    const online = nextEvent(watcher, 'presence');
    const before = await t.connect(bob.accessToken);
    await online;

    const flips = receives(watcher, 'presence', GRACE_MS + 500);
    before.close();
    await t.connect(bob.accessToken);
    expect(await flips).toBe(false);
  });

  it('does not announce offline when the user comes back on another instance within the grace period', async () => {
    const { watcher, bob } = await watcherAndBob();
    const online = nextEvent(watcher, 'presence');
    const here = await t.connect(bob.accessToken);
    await online;
    const presence = t.app.get<PresenceService>(PresenceService);

    const flips = receives(watcher, 'presence', GRACE_MS + 500);
    here.close();
    await waitFor(
      'the last socket is uncounted',
      async () => !(await presence.isOnline(bob.user.id)),
      1000,
      10,
    );
    // What another instance records for a socket of its own (RedisPresenceService is shared).
    await presence.connected(bob.user.id, 'socket-on-another-instance');

    expect(await flips).toBe(false);
    await presence.disconnected(bob.user.id, 'socket-on-another-instance');
  });

  it("still tells direct-chat peers when the user's groups cannot be read (PostgreSQL away)", async () => {
    const { watcher, bob } = await watcherAndBob();
    const groupsOf = jest
      .spyOn(t.get(ChatsService), 'groupsOf')
      .mockRejectedValue(new Error('Connection terminated unexpectedly'));
    const warned = jest
      .spyOn(t.get(PresenceTracker)['logger'], 'warn')
      .mockImplementation(() => undefined);
    try {
      const heard = recordEvents(watcher, 'presence');
      const online = nextEvent(watcher, 'presence');
      const tab = await t.connect(bob.accessToken);
      await online;
      const offline = nextEvent(watcher, 'presence', 3000, (e) => !e.online);
      tab.close();
      await offline;

      expect(heard.events.filter((e) => e.userId === bob.user.id)).toEqual([
        { userId: bob.user.id, online: true },
        { userId: bob.user.id, online: false },
      ]);
      expect(groupsOf).toHaveBeenCalledTimes(2);
      expect(warned).toHaveBeenCalledTimes(2);
    } finally {
      groupsOf.mockRestore();
      warned.mockRestore();
    }
  });
});
