import { PresenceService } from './presence.service';

describe('PresenceService', () => {
  it('reports online from the first socket until the last one closes', () => {
    const presence = new PresenceService();
    expect(presence.connected('ann')).toBe(true);
    expect(presence.connected('ann')).toBe(false);
    expect(presence.isOnline('ann')).toBe(true);
    expect(presence.disconnected('ann')).toBe(false);
    expect(presence.isOnline('ann')).toBe(true);
    expect(presence.disconnected('ann')).toBe(true);
    expect(presence.isOnline('ann')).toBe(false);
  });
});
