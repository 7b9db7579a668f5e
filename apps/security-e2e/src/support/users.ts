import type { AuthResult, Chat, Message } from '@chat/shared-types';
import {
  randomPassword,
  testLogins,
  testUserOf,
  type RegisterOptions as BaseRegisterOptions,
  type TestUser,
} from '@chat/test-harness';
import { randomUUID } from 'node:crypto';
import type { SecurityApi } from './api';
import { describeExchange, http } from './http';

export type { TestUser };

/** `uniqueTag()`: a short random tag, unique within the run. `uniqueLogin(name = 'u')`. */
export const { uniqueTag, uniqueLogin } = testLogins('s', 'u');

/** A password no log line could contain by accident. */
export function uniquePassword(): string {
  return randomPassword(10);
}

export interface RegisterOptions extends BaseRegisterOptions {
  from?: string;
}

export async function registerUser(api: SecurityApi, options: RegisterOptions = {}) {
  const login = options.login ?? uniqueLogin();
  const fullName = options.fullName ?? `Person ${login}`;
  const password = options.password ?? uniquePassword();
  api.remember(password);
  const res = await http(api, '/api/auth/register', {
    json: { login, fullName, password },
    from: options.from,
  });
  if (res.status !== 201) {
    throw new Error(describeExchange(`POST /api/auth/register ${login}`, res));
  }
  const body = res.body as AuthResult;
  api.remember(body.accessToken);
  return testUserOf(body, password);
}

/** A fresh session (token) for a user; expects 200. */
export async function login(api: SecurityApi, user: TestUser, from?: string): Promise<string> {
  const res = await http(api, '/api/auth/login', {
    json: { login: user.login, password: user.password },
    from,
  });
  if (res.status !== 200) throw new Error(describeExchange(`POST /api/auth/login`, res));
  const token = (res.body as AuthResult).accessToken;
  api.remember(token);
  return token;
}

export async function logout(api: SecurityApi, token: string): Promise<void> {
  const res = await http(api, '/api/auth/logout', { method: 'POST', token });
  if (res.status !== 204) throw new Error(describeExchange('POST /api/auth/logout', res));
}

export async function openDirectChat(api: SecurityApi, from: TestUser, peer: TestUser) {
  const res = await http(api, '/api/chats', { token: from.token, json: { peerId: peer.id } });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(describeExchange('POST /api/chats', res));
  }
  return res.body as Chat;
}

export async function postMessage(
  api: SecurityApi,
  from: TestUser,
  chatId: string,
  content: string,
): Promise<Message> {
  const res = await http(api, `/api/chats/${encodeURIComponent(chatId)}/messages`, {
    token: from.token,
    json: { content, clientId: randomUUID() },
  });
  if (res.status !== 201) throw new Error(describeExchange('POST message', res));
  return res.body as Message;
}

export async function listChats(api: SecurityApi, user: TestUser): Promise<Chat[]> {
  const res = await http(api, '/api/chats', { token: user.token });
  if (res.status !== 200) throw new Error(describeExchange('GET /api/chats', res));
  return res.body as Chat[];
}

export async function history(api: SecurityApi, user: TestUser, chatId: string) {
  const res = await http(api, `/api/chats/${encodeURIComponent(chatId)}/messages?limit=100`, {
    token: user.token,
  });
  if (res.status !== 200) throw new Error(describeExchange('GET history', res));
  return (res.body as { messages: Message[] }).messages;
}
