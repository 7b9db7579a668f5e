import type { AuthResult, Chat, Message, User } from '@chat/shared-types';
import { randomBytes, randomUUID } from 'node:crypto';
import { api, bearer } from './http';

export interface TestUser {
  id: string;
  login: string;
  fullName: string;
  password: string;
  token: string;
  user: User;
}

let counter = 0;

/** A short random tag; a test names its users `<tag>_<name>` so `search=<tag>` finds only them. */
export function uniqueTag(): string {
  return `t${randomBytes(4).toString('hex')}${(counter++).toString(36)}`;
}

export function uniqueLogin(name = 'user'): string {
  return `${uniqueTag()}_${name}`.slice(0, 32);
}

export interface RegisterOptions {
  login?: string;
  fullName?: string;
  password?: string;
}

/** Registers a new user with a unique login and returns it with its access token. */
export async function registerUser(options: RegisterOptions = {}): Promise<TestUser> {
  const login = options.login ?? uniqueLogin();
  const fullName = options.fullName ?? `User ${login}`;
  const password = options.password ?? `pw-${randomBytes(6).toString('hex')}`;
  const res = await api().post('/api/auth/register').send({ login, fullName, password });
  if (res.status !== 201) {
    throw new Error(`register ${login} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  const body = res.body as AuthResult;
  return {
    id: body.user.id,
    login: body.user.login,
    fullName: body.user.fullName,
    password,
    token: body.accessToken,
    user: body.user,
  };
}

/** Registers `count` users that share one tag: `<tag>_u0`, `<tag>_u1`, … */
export async function registerUsers(count: number, tag = uniqueTag()): Promise<TestUser[]> {
  const users: TestUser[] = [];
  for (let i = 0; i < count; i++) {
    users.push(await registerUser({ login: `${tag}_u${i}`, fullName: `Member ${i} ${tag}` }));
  }
  return users;
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
