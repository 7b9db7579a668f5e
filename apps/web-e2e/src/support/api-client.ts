import type { AuthResult, Chat, Message } from '@chat/shared-types';
import { randomUUID } from 'node:crypto';
import { baseUrl } from './e2e-state';
import type { Person } from './people';

/** A person acting through the REST API only: the other side of a scene a browser looks at. */
export interface ApiActor {
  person: Person;
  id: string;
  token: string;
}

async function call<T>(
  method: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<T | undefined> {
  const res = await fetch(new URL(path, baseUrl()), {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.status === 204 ? undefined : ((await res.json()) as T);
}

export async function registerActor(person: Person): Promise<ApiActor> {
  const result = await call<AuthResult>('POST', '/api/auth/register', person);
  if (!result) throw new Error('register answered without a body');
  return { person, id: result.user.id, token: result.accessToken };
}

export async function openDirectChat(from: ApiActor, peer: ApiActor): Promise<Chat> {
  const chat = await call<Chat>('POST', '/api/chats', { peerId: peer.id }, from.token);
  if (!chat) throw new Error('POST /api/chats answered without a body');
  return chat;
}

export async function postMessage(
  from: ApiActor,
  chatId: string,
  content: string,
): Promise<Message> {
  const path = `/api/chats/${encodeURIComponent(chatId)}/messages`;
  const message = await call<Message>(
    'POST',
    path,
    { content, clientId: randomUUID() },
    from.token,
  );
  if (!message) throw new Error(`POST ${path} answered without a body`);
  return message;
}

export async function markRead(by: ApiActor, chatId: string, upToId: string): Promise<void> {
  await call('POST', `/api/chats/${encodeURIComponent(chatId)}/read`, { upToId }, by.token);
}
