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

/** Adds messages to an ascending list, once per id, keeping it ascending. */
export function mergeMessages(
  current: readonly Message[],
  incoming: readonly Message[],
): Message[] {
  if (incoming.length === 0) return current as Message[];
  const byId = new Map(current.map((message) => [message.id, message]));
  let changed = false;
  for (const message of incoming) {
    if (!byId.has(message.id)) {
      byId.set(message.id, message);
      changed = true;
    }
  }
  if (!changed) return current as Message[];
  return [...byId.values()].sort((a, b) => compareIds(a.id, b.id));
}
