import { HistoryPage, MESSAGE_ID_PATTERN, Message } from '@chat/shared-types';
import type { Response } from 'supertest';
import { api, bearer } from './http';
import type { TestUser } from './users';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** Asserts `value` is exactly a Message with these fields, and returns it. */
export function expectMessage(
  value: unknown,
  expected: { chatId: string; sender: TestUser; content: string; clientId: string },
): Message {
  expect(value).toEqual({
    id: expect.stringMatching(MESSAGE_ID_PATTERN),
    chatId: expected.chatId,
    senderId: expected.sender.id,
    senderName: expected.sender.fullName,
    content: expected.content,
    clientId: expected.clientId,
    createdAt: expect.stringMatching(ISO_8601),
    replyTo: null,
    editedAt: null,
    deleted: false,
    reactions: [],
    version: expect.stringMatching(MESSAGE_ID_PATTERN),
    system: null,
    attachments: [],
  });
  const message = value as Message;
  expect(Number.isNaN(Date.parse(message.createdAt))).toBe(false);
  return message;
}

export function getHistory(
  user: TestUser,
  chatId: string,
  query: Record<string, string> = {},
): Promise<Response> {
  return api().get(`/api/chats/${chatId}/messages`).query(query).set(bearer(user.token));
}

/** GET history, expecting 200 and exactly a HistoryPage. */
export async function historyPage(
  user: TestUser,
  chatId: string,
  query: Record<string, string> = {},
): Promise<HistoryPage> {
  const res = await getHistory(user, chatId, query);
  expect({ status: res.status, keys: Object.keys(res.body as object).sort() }).toEqual({
    status: 200,
    keys: ['hasMore', 'messages'],
  });
  const page = res.body as HistoryPage;
  expect(typeof page.hasMore).toBe('boolean');
  expect(Array.isArray(page.messages)).toBe(true);
  return page;
}

export function idsOf(messages: Message[]): string[] {
  return messages.map((message) => message.id);
}

/** True when ids strictly increase as integers. */
export function ascending(ids: string[]): boolean {
  return ids.every((id, i) => {
    const previous = ids[i - 1];
    return previous === undefined || BigInt(previous) < BigInt(id);
  });
}
