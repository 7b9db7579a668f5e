import { AttachmentUrls } from './attachment-urls';

const id = '6f1c2a4e-8d3b-4c5a-9e7f-1a2b3c4d5e6f';
const OLD = 'o'.repeat(32);
const NEW = 'n'.repeat(32);
const now = Date.UTC(2026, 0, 1);

function parts(url: string) {
  const parsed = new URL(url, 'http://x');
  return {
    variant: parsed.pathname.split('/').at(-1) ?? '',
    exp: parsed.searchParams.get('exp') ?? '',
    sig: parsed.searchParams.get('sig') ?? '',
  };
}

describe('signed attachment URLs', () => {
  it('verify what they signed until the expiry, and nothing tampered', () => {
    const urls = new AttachmentUrls({ current: NEW, previous: null, ttlSeconds: 3600 });
    const { variant, exp, sig } = parts(urls.sign(id, 'original', now));

    expect(urls.verify(id, variant, exp, sig, now)).toBe(true);
    expect(Number(exp) * 1000 - now).toBeGreaterThanOrEqual(3600_000);
    expect(urls.verify(id, variant, exp, sig, Number(exp) * 1000)).toBe(false);
    expect(urls.verify(id, 'thumbnail', exp, sig, now)).toBe(false);
    expect(urls.verify(id, variant, String(Number(exp) + 1), sig, now)).toBe(false);
    expect(urls.verify(id.replace('6f', '7f'), variant, exp, sig, now)).toBe(false);
    expect(urls.verify(id, variant, exp, `${sig.slice(0, -1)}A`, now)).toBe(false);
    expect(urls.verify(id, variant, exp, 'short', now)).toBe(false);
  });

  it('give the same URL within a step, so the browser cache serves a message read twice', () => {
    const urls = new AttachmentUrls({ current: NEW, previous: null, ttlSeconds: 7200 });
    expect(urls.sign(id, 'original', now + 1000)).toBe(urls.sign(id, 'original', now + 60_000));
  });

  it('keep working through a key rotation while the previous key is still accepted', () => {
    const before = new AttachmentUrls({ current: OLD, previous: null, ttlSeconds: 3600 });
    const { variant, exp, sig } = parts(before.sign(id, 'original', now));
    const rotating = new AttachmentUrls({ current: NEW, previous: OLD, ttlSeconds: 3600 });
    const rotated = new AttachmentUrls({ current: NEW, previous: null, ttlSeconds: 3600 });

    expect(rotating.verify(id, variant, exp, sig, now)).toBe(true);
    expect(rotated.verify(id, variant, exp, sig, now)).toBe(false);
    const fresh = parts(rotating.sign(id, 'original', now));
    expect(rotated.verify(id, fresh.variant, fresh.exp, fresh.sig, now)).toBe(true);
  });
});
