/** Keys that carry chat content or membership: none may appear in a denial. */
const CONTENT_KEYS = new Set(['messages', 'members', 'lastMessage', 'unreadCount', 'content']);

function keysOf(value: unknown, depth = 0): string[] {
  if (depth > 50 || !value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item) => keysOf(item, depth + 1));
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner, depth + 1)]);
}

/**
 * What the victims' chat holds that an attacker must never see: the canary contents of its
 * messages, the victims' logins and names (as they appear in member lists), and its id.
 */
export class LeakDetector {
  private readonly needles: string[];

  /**
   * `contentKeys`: also report any content-bearing key (for denials, which must be a bare error;
   * not for listings, which legitimately hold members and messages of the caller's chats).
   */
  constructor(
    needles: string[],
    private readonly contentKeys = true,
  ) {
    this.needles = needles.filter((needle) => needle.length >= 6);
  }

  /** The needles found in `value` (serialised), and any content-bearing key. */
  find(value: unknown): string[] {
    let text: string;
    try {
      text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
    } catch {
      text = String(value);
    }
    const found = this.needles.filter((needle) => text.includes(needle));
    const keys = this.contentKeys ? keysOf(value).filter((key) => CONTENT_KEYS.has(key)) : [];
    return [...found, ...keys.map((key) => `key "${key}"`)];
  }
}
