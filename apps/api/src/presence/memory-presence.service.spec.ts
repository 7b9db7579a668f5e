import { MemoryPresenceService } from './memory-presence.service';

describe('MemoryPresenceService', () => {
  it('reports online from the first socket until the last one closes', async () => {
    const presence = new MemoryPresenceService();
    expect(await presence.connected('ann', 's1')).toBe(true);
    expect(await presence.connected('ann', 's2')).toBe(false);
    expect(await presence.isOnline('ann')).toBe(true);
    expect(await presence.disconnected('ann', 's1')).toBe(false);
    expect(await presence.disconnected('ann', 's1')).toBe(false);
    expect(await presence.onlineAmong(['ann', 'bob'])).toEqual(new Set(['ann']));
    expect(await presence.disconnected('ann', 's2')).toBe(true);
    expect(await presence.isOnline('ann')).toBe(false);
  });
});
