import type { AuthResult, ChangesPage, Chat, HistoryPage, Message } from '@chat/shared-types';
import { randomPassword, testUserOf, type TestUser, type Tuple } from '@chat/test-harness';
import { randomBytes } from 'node:crypto';

const REQUEST_TIMEOUT_MS = 10_000;

export interface RestAnswer<T> {
  status: number;
  body: T;
}

/** A REST call that answered with an unexpected status, or did not answer at all. */
export class RestError extends Error {
  constructor(
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** One REST call; network failures and timeouts become a RestError with status null. */
export async function rest<T>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<RestAnswer<T>> {
  let res: Response;
  try {
    res = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new RestError(null, `${method} ${path}: ${(error as Error).message}`);
  }
  const text = await res.text();
  const body = (text ? JSON.parse(text) : undefined) as T;
  return { status: res.status, body };
}

/** A REST call that must answer one of `expected`; anything else throws a RestError. */
export async function restExpect<T>(
  baseUrl: string,
  method: string,
  path: string,
  expected: number[],
  options: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<T> {
  const answer = await rest<T>(baseUrl, method, path, options);
  if (!expected.includes(answer.status)) {
    throw new RestError(
      answer.status,
      `${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
    );
  }
  return answer.body;
}

export type { TestUser };

/** A short random tag for logins: `<tag>_<role>` stays within 32 characters. */
export function uniqueTag(): string {
  return `r${randomBytes(3).toString('hex')}`;
}

export async function registerUser(baseUrl: string, login: string): Promise<TestUser> {
  const password = randomPassword(6);
  const result = await restExpect<AuthResult>(baseUrl, 'POST', '/api/auth/register', [201], {
    body: { login, fullName: `Reliability ${login}`, password },
  });
  return testUserOf(result, password);
}

/** Registers `<tag>_<role><i>` for i in 0..count-1, a few at a time. */
export async function registerUsers<N extends number>(
  baseUrl: string,
  tag: string,
  role: string,
  count: N,
): Promise<Tuple<TestUser, N>> {
  const users: TestUser[] = new Array<TestUser>(count);
  const batch = 5;
  for (let start = 0; start < count; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, async (_, k) => {
        users[start + k] = await registerUser(baseUrl, `${tag}_${role}${start + k}`);
      }),
    );
  }
  return users as Tuple<TestUser, N>;
}

export function openDirectChat(baseUrl: string, from: TestUser, peer: TestUser): Promise<Chat> {
  return restExpect<Chat>(baseUrl, 'POST', '/api/chats', [200, 201], {
    token: from.token,
    body: { peerId: peer.id },
  });
}

export function listChats(baseUrl: string, user: TestUser): Promise<Chat[]> {
  return restExpect<Chat[]>(baseUrl, 'GET', '/api/chats', [200], { token: user.token });
}

/** GET messages with `after` / `before` cursors (none: the newest page). */
export function historyPage(
  baseUrl: string,
  user: TestUser,
  chatId: string,
  query: { after?: string; before?: string; limit?: number },
): Promise<HistoryPage> {
  const params = new URLSearchParams();
  if (query.after !== undefined) params.set('after', query.after);
  if (query.before !== undefined) params.set('before', query.before);
  params.set('limit', String(query.limit ?? 100));
  return restExpect<HistoryPage>(
    baseUrl,
    'GET',
    `/api/chats/${encodeURIComponent(chatId)}/messages?${params.toString()}`,
    [200],
    { token: user.token },
  );
}

/** The id of the newest message in the chat, or null when it is empty. */
export async function newestId(
  baseUrl: string,
  user: TestUser,
  chatId: string,
): Promise<string | null> {
  const page = await historyPage(baseUrl, user, chatId, { limit: 1 });
  return page.messages.at(-1)?.id ?? null;
}

export function postMessage(
  baseUrl: string,
  user: TestUser,
  chatId: string,
  content: string,
  clientId: string,
): Promise<RestAnswer<Message>> {
  return rest<Message>(baseUrl, 'POST', `/api/chats/${encodeURIComponent(chatId)}/messages`, {
    token: user.token,
    body: { content, clientId },
  });
}

export async function markRead(
  baseUrl: string,
  user: TestUser,
  chatId: string,
  upToId: string,
): Promise<void> {
  await restExpect(baseUrl, 'POST', `/api/chats/${encodeURIComponent(chatId)}/read`, [204], {
    token: user.token,
    body: { upToId },
  });
}

/** GET /api/health: the status, or null when the API does not answer. */
export async function healthStatus(baseUrl: string, timeoutMs = 2_000): Promise<number | null> {
  try {
    return (await rest(baseUrl, 'GET', '/api/health', { timeoutMs })).status;
  } catch {
    return null;
  }
}

/** GET /api/chats/:id/changes since `since`. */
export function changesPage(
  baseUrl: string,
  user: TestUser,
  chatId: string,
  since: string,
  limit = 100,
): Promise<ChangesPage> {
  const params = new URLSearchParams({ since, limit: String(limit) });
  return restExpect<ChangesPage>(
    baseUrl,
    'GET',
    `/api/chats/${encodeURIComponent(chatId)}/changes?${params.toString()}`,
    [200],
    { token: user.token },
  );
}
