import type { Message } from '@chat/shared-types';

/** Message ids are bigint strings; compare them as numbers, not as text. */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isAfter(id: string, other: string | null | undefined): boolean {
  return other == null || compareIds(id, other) > 0;
}

export function maxId(a: string | null | undefined, b: string | null | undefined): string | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return compareIds(a, b) >= 0 ? a : b;
}

/** Versions are positive integers as strings (Chat.version may be '0'); null: none yet. */
export function isNewerVersion(version: string, than: string | null | undefined): boolean {
  return than == null || BigInt(version) > BigInt(than);
}

export function maxVersion(
  a: string | null | undefined,
  b: string | null | undefined,
): string | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return BigInt(a) >= BigInt(b) ? a : b;
}

/** The greatest version among `messages`, or null for none. */
export function newestVersion(messages: readonly Message[]): string | null {
  let newest: string | null = null;
  for (const message of messages) newest = maxVersion(newest, message.version);
  return newest;
}

/**
 * Adds messages to an ascending list, once per id, keeping it ascending. A message already
 * held is replaced only by a newer version of itself (an edit, a deletion, a reaction), so a
 * late or repeated copy never takes a change back.
 */
export function mergeMessages(
  current: readonly Message[],
  incoming: readonly Message[],
): Message[] {
  if (incoming.length === 0) return current as Message[];
  const byId = new Map(current.map((message) => [message.id, message]));
  let changed = false;
  for (const message of incoming) {
    const held = byId.get(message.id);
    if (!held || isNewerVersion(message.version, held.version)) {
      byId.set(message.id, message);
      changed = true;
    }
  }
  if (!changed) return current as Message[];
  return [...byId.values()].sort((a, b) => compareIds(a.id, b.id));
}
