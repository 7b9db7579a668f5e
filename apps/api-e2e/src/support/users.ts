import type { AuthResult, Chat, Message } from '@chat/shared-types';
import {
  randomPassword,
  testLogins,
  testUserOf,
  type RegisterOptions,
  type TestUser,
  type Tuple,
} from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { api, baseUrl, bearer } from './http';

export type { RegisterOptions, TestUser };

/**
 * `uniqueTag()`: a short random tag; a test names its users `<tag>_<name>` so `search=<tag>`
 * finds only them. `uniqueLogin(name = 'user')`: such a login.
 */
export const { uniqueTag, uniqueLogin } = testLogins('t', 'user');

/**
 * Registers a new user with a unique login and returns it with its access token; on the API at
 * `url`, by default the one the suite runs against.
 */
export async function registerUser(
  options: RegisterOptions = {},
  url = baseUrl(),
): Promise<TestUser> {
  const login = options.login ?? uniqueLogin();
  const fullName = options.fullName ?? `User ${login}`;
  const password = options.password ?? randomPassword(6);
  const res = await request(url).post('/api/auth/register').send({ login, fullName, password });
  if (res.status !== 201) {
    throw new Error(`register ${login} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return testUserOf(res.body as AuthResult, password);
}

/** Registers `count` users that share one tag: `<tag>_u0`, `<tag>_u1`, … */
export async function registerUsers<N extends number>(
  count: N,
  tag = uniqueTag(),
): Promise<Tuple<TestUser, N>> {
  const users: TestUser[] = [];
  for (let i = 0; i < count; i++) {
    users.push(await registerUser({ login: `${tag}_u${i}`, fullName: `Member ${i} ${tag}` }));
  }
  return users as Tuple<TestUser, N>;
}

/** Opens (or fetches) the direct chat between `from` and `peer` over REST. */
export async function openDirectChat(from: TestUser, peer: TestUser): Promise<Chat> {
  const res = await api().post('/api/chats').set(bearer(from.token)).send({ peerId: peer.id });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`POST /api/chats answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body as Chat;
}

/** Sends a message over REST and returns it (expects 201). */
export async function postMessage(
  from: TestUser,
  chatId: string,
  content: string,
  clientId: string = randomUUID(),
): Promise<Message> {
  const res = await api()
    .post(`/api/chats/${encodeURIComponent(chatId)}/messages`)
    .set(bearer(from.token))
    .send({ content, clientId });
  if (res.status !== 201) {
    throw new Error(`POST message answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body as Message;
}

/** The caller's chats (GET /api/chats, expects 200). */
export async function listChats(user: TestUser): Promise<Chat[]> {
  const res = await api().get('/api/chats').set(bearer(user.token));
  if (res.status !== 200) {
    throw new Error(`GET /api/chats answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body as Chat[];
}

export async function findChat(user: TestUser, chatId: string): Promise<Chat | undefined> {
  return (await listChats(user)).find((chat) => chat.id === chatId);
}

/** An id shaped like real user ids that belongs to no one. */
export function unknownUserIdLike(realId: string): string {
  return /^\d+$/.test(realId) ? '987654321987' : randomUUID();
}
