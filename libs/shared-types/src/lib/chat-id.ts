const DIRECT_PREFIX = 'dm:';

/**
 * The id of the direct chat between two users: `dm:<min>:<max>` in string order, so both
 * sides (and the database) compute the same id without asking anyone.
 */
export function directChatId(userA: string, userB: string): string {
  const [low, high] = userA < userB ? [userA, userB] : [userB, userA];
  return `${DIRECT_PREFIX}${low}:${high}`;
}

/** The two member ids of a direct chat id, or null when the id is not one. */
export function directChatMembers(chatId: string): [string, string] | null {
  if (!chatId.startsWith(DIRECT_PREFIX)) return null;
  const parts = chatId.slice(DIRECT_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  return directChatId(parts[0], parts[1]) === chatId ? [parts[0], parts[1]] : null;
}

/** The other members of the user's direct chats, from their chat ids (which name both). */
export function directPeers(userId: string, chatIds: Iterable<string>): string[] {
  const peers: string[] = [];
  for (const chatId of chatIds) {
    const members = directChatMembers(chatId);
    if (!members) continue;
    const [a, b] = members;
    peers.push(a === userId ? b : a);
  }
  return peers;
}

export function isDirectChatId(chatId: string): boolean {
  return directChatMembers(chatId) !== null;
}
